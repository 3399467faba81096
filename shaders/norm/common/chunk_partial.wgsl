// The frame of the first passes (batch_norm_stats_partial, batch_norm_grad_partial): one
// workgroup of TC x TR invocations per (column tile, chunk), TC adjacent channels (coalesced
// reads) times TR rows strided through the chunk; TR is a power of two. The entry point calls
// the kernel's `fn partial_chunk(c: u32, chunk: u32, start: u32, end: u32, lid: vec3u)` for
// channel c and the chunk's rows [start, end); every invocation calls it (it holds barriers),
// those past the last channel too. The kernel declares its bindings, the uniforms last as `u`.
// Dispatch: (ceil(channels / TC), chunks) workgroups.
//!include norm/common/chunked_rows.wgsl

override TC: u32 = 16u;
override TR: u32 = 16u;

@compute @workgroup_size(TC, TR)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wid.x * TC + lid.x;
  let chunk = wid.y;
  let start = chunk * u.rows_per_chunk;
  let end = min(start + u.rows_per_chunk, u.rows);
  partial_chunk(c, chunk, start, end, lid);
}
