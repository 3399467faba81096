// Batched matrix product: c[bt] = op(a[bt]) @ op(b[bt]), op = optional transpose.
// Layout: op(a) is [m, k]: a is stored row-major [m, k], or [k, m] when TRANS_A; op(b) is [k, n]:
// b is stored [k, n], or [n, k] when TRANS_B. Batch bt starts at bt * a_batch_stride in a
// (0: a is shared by every batch) and at bt * b_batch_stride in b; c is contiguous [batch, m, n].
// Bindings: 0 a (read), 1 b (read), 2 c (write), 3 uniforms (Params of common/matmul_params.wgsl).
// Dispatch: workgroups (ceil(n / BN), tiles_m * batch_groups, min(batch, 65535)) with
// BM = TM * WG_Y and BN = TN * WG_X; batches past 65535 fold into y (tiles_m rows per chunk).
// One invocation computes a TM x TN block of c (TM, TN = 4 or 8): rows TM*ty.., columns TN*tx..
// of the workgroup's BM x BN tile. The tile walks k in slices of TK: the workgroup stages the
// TK x BM slice of op(a) (k-major, vec4s of 4 rows) and the TK x BN slice of op(b) (vec4s of 4
// columns) in workgroup memory, then each k step costs an invocation TM/4 + TN/4 vec4 loads for
// TM * TN multiply-adds. Software Vulkan (lavapipe) runs invocations as SIMD lanes and pays a
// scalar load per lane for every memory read while arithmetic is vectorised, so the big 8x8
// block is what makes it fast there (about 2x a 4x4 block); GPUs like the same shape.
// The accumulators are sixteen named vec4s (not a loop over an array) so that they stay in
// registers: a dynamically indexed array would live in scratch memory.
//!include matmul/common/matmul_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG_X: u32 = 16u;
override WG_Y: u32 = 8u;
// Rows and columns of c per invocation: 4 or 8.
override TM: u32 = 8u;
override TN: u32 = 8u;
// Depth of the staged k slice: a multiple of 4.
override TK: u32 = 16u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
// vec4 slots of the staged slices: TK * TM * WG_Y / 4 and TK * TN * WG_X / 4.
override A_SLOTS: u32 = 256u;
override B_SLOTS: u32 = 512u;

var<workgroup> a_tile: array<vec4f, A_SLOTS>;
var<workgroup> b_tile: array<vec4f, B_SLOTS>;

// op(a)[row, kk] of the batch starting at a_base; 0 outside the matrix.
fn load_a(a_base: u32, row: u32, kk: u32, checked: bool) -> f32 {
  if (checked && (row >= u.m || kk >= u.k)) { return 0.0; }
  if (TRANS_A) { return a[a_base + kk * u.m + row]; }
  return a[a_base + row * u.k + kk];
}

// op(b)[kk, col] of the batch starting at b_base; 0 outside the matrix.
fn load_b(b_base: u32, kk: u32, col: u32, checked: bool) -> f32 {
  if (checked && (kk >= u.k || col >= u.n)) { return 0.0; }
  if (TRANS_B) { return b[b_base + col * u.k + kk]; }
  return b[b_base + kk * u.n + col];
}

fn store4(c_base: u32, row: u32, col: u32, v: vec4f) {
  if (row >= u.m) { return; }
  let line = c_base + row * u.n;
  for (var j = 0u; j < 4u; j++) {
    if (col + j < u.n) { c[line + col + j] = v[j]; }
  }
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let bt = wid.z + (wid.y / u.tiles_m) * nwg.z;
  // Workgroup-uniform: the whole workgroup leaves together, before any barrier.
  if (bt >= u.batch) { return; }
  let a_groups = TM * WG_Y / 4u;
  let b_groups = TN * WG_X / 4u;
  let row0 = (wid.y % u.tiles_m) * (TM * WG_Y);
  let col0 = wid.x * (TN * WG_X);
  let a_base = bt * u.a_batch_stride;
  let b_base = bt * u.b_batch_stride;
  let ty = lid3.y * (TM / 4u);
  let tx = lid3.x * (TN / 4u);
  let threads = WG_X * WG_Y;
  let rows_inside = row0 + TM * WG_Y <= u.m;
  let cols_inside = col0 + TN * WG_X <= u.n;

  // acc_<row>_<column group>: rows 0..TM, column groups 0 (columns 0..3) and 1 (columns 4..7).
  var acc0_0 = vec4f(0.0); var acc0_1 = vec4f(0.0);
  var acc1_0 = vec4f(0.0); var acc1_1 = vec4f(0.0);
  var acc2_0 = vec4f(0.0); var acc2_1 = vec4f(0.0);
  var acc3_0 = vec4f(0.0); var acc3_1 = vec4f(0.0);
  var acc4_0 = vec4f(0.0); var acc4_1 = vec4f(0.0);
  var acc5_0 = vec4f(0.0); var acc5_1 = vec4f(0.0);
  var acc6_0 = vec4f(0.0); var acc6_1 = vec4f(0.0);
  var acc7_0 = vec4f(0.0); var acc7_1 = vec4f(0.0);

  for (var k0 = 0u; k0 < u.k; k0 += TK) {
    // Bounds checks only on edge tiles (a workgroup-uniform choice).
    let k_inside = k0 + TK <= u.k;
    let check_a = !(rows_inside && k_inside);
    let check_b = !(cols_inside && k_inside);
    // Consecutive invocations read consecutive addresses in either storage order.
    for (var s = lid; s < TK * a_groups; s += threads) {
      var kk: u32;
      var rg: u32;
      if (TRANS_A) { rg = s % a_groups; kk = s / a_groups; } else { kk = s % TK; rg = s / TK; }
      let row = row0 + 4u * rg;
      let kg = k0 + kk;
      a_tile[kk * a_groups + rg] = vec4f(
        load_a(a_base, row, kg, check_a), load_a(a_base, row + 1u, kg, check_a),
        load_a(a_base, row + 2u, kg, check_a), load_a(a_base, row + 3u, kg, check_a));
    }
    for (var s = lid; s < TK * b_groups; s += threads) {
      var kk: u32;
      var cg: u32;
      if (TRANS_B) { kk = s % TK; cg = s / TK; } else { cg = s % b_groups; kk = s / b_groups; }
      let col = col0 + 4u * cg;
      let kg = k0 + kk;
      b_tile[kk * b_groups + cg] = vec4f(
        load_b(b_base, kg, col, check_b), load_b(b_base, kg, col + 1u, check_b),
        load_b(b_base, kg, col + 2u, check_b), load_b(b_base, kg, col + 3u, check_b));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a_lo = a_tile[kk * a_groups + ty];
      let b_lo = b_tile[kk * b_groups + tx];
      // TM and TN are pipeline constants: the untaken branches compile away.
      var a_hi = vec4f(0.0);
      var b_hi = vec4f(0.0);
      if (TM > 4u) { a_hi = a_tile[kk * a_groups + ty + 1u]; }
      if (TN > 4u) { b_hi = b_tile[kk * b_groups + tx + 1u]; }
      acc0_0 += a_lo.x * b_lo;
      acc1_0 += a_lo.y * b_lo;
      acc2_0 += a_lo.z * b_lo;
      acc3_0 += a_lo.w * b_lo;
      if (TN > 4u) {
        acc0_1 += a_lo.x * b_hi;
        acc1_1 += a_lo.y * b_hi;
        acc2_1 += a_lo.z * b_hi;
        acc3_1 += a_lo.w * b_hi;
      }
      if (TM > 4u) {
        acc4_0 += a_hi.x * b_lo;
        acc5_0 += a_hi.y * b_lo;
        acc6_0 += a_hi.z * b_lo;
        acc7_0 += a_hi.w * b_lo;
        if (TN > 4u) {
          acc4_1 += a_hi.x * b_hi;
          acc5_1 += a_hi.y * b_hi;
          acc6_1 += a_hi.z * b_hi;
          acc7_1 += a_hi.w * b_hi;
        }
      }
    }
    workgroupBarrier();
  }

  let row = row0 + TM * lid3.y;
  let col = col0 + TN * lid3.x;
  let c_base = bt * u.m * u.n;
  store4(c_base, row, col, acc0_0);
  store4(c_base, row + 1u, col, acc1_0);
  store4(c_base, row + 2u, col, acc2_0);
  store4(c_base, row + 3u, col, acc3_0);
  if (TN > 4u) {
    store4(c_base, row, col + 4u, acc0_1);
    store4(c_base, row + 1u, col + 4u, acc1_1);
    store4(c_base, row + 2u, col + 4u, acc2_1);
    store4(c_base, row + 3u, col + 4u, acc3_1);
  }
  if (TM > 4u) {
    store4(c_base, row + 4u, col, acc4_0);
    store4(c_base, row + 5u, col, acc5_0);
    store4(c_base, row + 6u, col, acc6_0);
    store4(c_base, row + 7u, col, acc7_0);
    if (TN > 4u) {
      store4(c_base, row + 4u, col + 4u, acc4_1);
      store4(c_base, row + 5u, col + 4u, acc5_1);
      store4(c_base, row + 6u, col + 4u, acc6_1);
      store4(c_base, row + 7u, col + 4u, acc7_1);
    }
  }
}
