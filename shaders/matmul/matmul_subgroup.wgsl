// Batched matrix product sharing a through subgroup shuffles: c[bt] = op(a[bt]) @ b[bt], the
// layouts, bindings and uniforms of shaders/matmul/matmul_vec4.wgsl (a f32, optionally stored
// transposed with TRANS_A; b and c vec4 rows, n a multiple of 4; Params of
// common/matmul_params.wgsl). Needs the `subgroups` feature, subgroups of at least 8
// invocations and at most WG (src/backend/webgpu/dispatch/matmul.ts checks the adapter).
// Dispatch: workgroups (ceil(n / (32·TV)), tiles_m · batch chunks, min(batch, 65535)); a
// workgroup of WG lanes is WG / 8 row groups of 8 lanes: lane (x, y) computes TM rows from
// row0 = (tile·WG/8 + y)·TM and the vec4 columns col4 + 8·t (t < TV), as matmul_vec4.wgsl does.
// Why subgroups: the 8 lanes of a row group need the same TM elements of a per k. Instead of
// each reading all of them, per 8 k each lane reads one k of its TM rows (8 consecutive floats
// across the group: one transaction) and the group passes them around with subgroupShuffle:
// TM reads per 8 k instead of 8·TM, and no workgroup memory or barrier.
//!include matmul/common/matmul_params.wgsl
//!include matmul/common/subgroup_lanes.wgsl
enable subgroups;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Params;

// Lanes per workgroup (a multiple of the subgroup size); rows per lane (4 or 8); vec4 columns
// per lane (1 or 2).
override WG: u32 = 64u;
override TM: u32 = 8u;
override TV: u32 = 2u;
override TRANS_A: bool = false;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(subgroup_invocation_id) sid: u32,
  @builtin(subgroup_size) sg_size: u32,
) {
  let lane = dense_lane(sid, sg_size);
  let bt = wid.z + (wid.y / u.tiles_m) * nwg.z;
  if (bt >= u.batch) { return; }
  let x = lane % 8u;
  let y = lane / 8u;
  // The subgroup lane holding x = 0 of this row group.
  let group_base = sid - x;
  let n4 = u.n / 4u;
  let row0 = ((wid.y % u.tiles_m) * (WG / 8u) + y) * TM;
  let col4 = wid.x * (8u * TV) + x;
  let a_base = bt * u.a_batch_stride;
  let b_base = bt * (u.b_batch_stride / 4u);
  // Reads are clamped into the matrices; rows and columns past the edge are computed and dropped.
  var rows: array<u32, 8>;
  for (var i = 0u; i < TM; i++) { rows[i] = min(row0 + i, u.m - 1u); }
  var cols: array<u32, 2>;
  for (var t = 0u; t < TV; t++) { cols[t] = min(col4 + 8u * t, n4 - 1u); }

  var acc: array<vec4f, 16>;  // [TM][TV]
  for (var i = 0u; i < TM * TV; i++) { acc[i] = vec4f(0.0); }
  var mine: array<f32, 8>;
  for (var k0 = 0u; k0 < u.k; k0 += 8u) {
    // This lane's k of the group's 8, for each of its rows (0 past the end of k).
    let kk = min(k0 + x, u.k - 1u);
    let inside = k0 + x < u.k;
    for (var i = 0u; i < TM; i++) {
      var v: f32;
      if (TRANS_A) { v = a[a_base + kk * u.m + rows[i]]; } else { v = a[a_base + rows[i] * u.k + kk]; }
      mine[i] = select(0.0, v, inside);
    }
    for (var j = 0u; j < 8u; j++) {
      // Lanes past the end of k hold zeros: b's row is clamped, the product adds nothing.
      let b_row = b_base + min(k0 + j, u.k - 1u) * n4;
      var bv: array<vec4f, 2>;
      for (var t = 0u; t < TV; t++) { bv[t] = b[b_row + cols[t]]; }
      for (var i = 0u; i < TM; i++) {
        let av = vec4f(subgroupShuffle(mine[i], group_base + j));
        for (var t = 0u; t < TV; t++) { acc[i * TV + t] = fma(av, bv[t], acc[i * TV + t]); }
      }
    }
  }

  let c_base = bt * u.m * n4;
  for (var i = 0u; i < TM; i++) {
    let row = row0 + i;
    if (row >= u.m) { break; }
    for (var t = 0u; t < TV; t++) {
      let col = col4 + 8u * t;
      if (col < n4) { c[c_base + row * n4 + col] = acc[i * TV + t]; }
    }
  }
}
