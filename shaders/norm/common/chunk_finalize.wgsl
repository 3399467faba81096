// The frame of the second passes (batch_norm_stats_finalize, batch_norm_grad_finalize): one
// workgroup per channel (a 2-D grid past 65535), WG invocations striding over the chunks of the
// first pass, then combining as a tree in workgroup memory. The entry point calls the kernel's
// `fn finalize_channel(c: u32, lid: u32)`; every invocation calls it (it holds barriers), those
// past the last channel too. The kernel declares its bindings, the uniforms last as `u`.
//!include norm/common/chunked_rows.wgsl

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  finalize_channel(wid.x + wid.y * nwg.x, lid);
}
