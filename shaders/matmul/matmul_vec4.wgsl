// Batched matrix product for b and c stored as vec4 rows: c[bt] = op(a[bt]) @ b[bt], op(a) = a
// ([m, k]) or aᵀ (a stored [k, m] when TRANS_A); b is [k, n], c is [batch, m, n], n a multiple of
// 4 (src/backend/webgpu/dispatch/matmul.ts picks this shader only then; the batch offsets of b
// and c are whole vec4s). Bindings: 0 a (read, f32), 1 b (read, vec4), 2 c (write, vec4),
// 3 uniforms (Params of common/matmul_params.wgsl).
// Dispatch: workgroups (ceil(n / (32·TV)), tiles_m · batch chunks, min(batch, 65535)); a
// workgroup of 8 x WG_Y invocations covers TM·WG_Y rows and 32·TV columns: invocation (x, y)
// computes TM rows from row0 = (tile·WG_Y + y)·TM and the vec4 columns col4 + 8·t (t < TV).
// Why this shape: software Vulkan (lavapipe, the no-GPU target) runs the 8 invocations of a row
// as the SIMD lanes of one CPU thread. Arithmetic is vectorised across the lanes, but every
// storage read is a loop over them (a scalar load and a bounds check per lane and component),
// even where the address is the same in every lane: Mesa 25's llvmpipe reads once for all lanes
// only at addresses it proves constant (measured: 16 vec4 reads per loop step cost the same at a
// lane-uniform address as at per-lane ones, about 12x the multiply-adds they fed; the machine
// code of a read at a uniform address is the per-lane loop). So what counts is reads per
// multiply-add: per k step a lane reads TM elements of a (the same in every lane of the row: one
// cache line) and TV vec4s of b for TM·TV vec4 multiply-adds. Workgroup-memory tiles add
// barriers, which lavapipe runs as coroutine switches: shaders/matmul/matmul.wgsl ran about a
// quarter as fast as this shader at 1024³, and Winograd's 36 x [32, 64]·[64, 676] ran 2x slower
// with a staged in workgroup memory (docs/lavapipe.md). On a GPU the 8 lanes of a row read 8 consecutive
// vec4s of b (coalesced) and the same a element (a broadcast from cache).
// The accumulators are named variables: an array indexed in unrolled loops stays in registers
// too, but ran about 5% slower here on lavapipe (the conv forward and filter-gradient kernels
// use arrays, at equal speed).
//!include matmul/common/matmul_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Params;

// Row groups per workgroup; rows per invocation (8 or 16); vec4 columns per invocation (1 or 2).
override WG_Y: u32 = 8u;
override TM: u32 = 16u;
override TV: u32 = 2u;
override TRANS_A: bool = false;

// op(a)[row, kk] of the batch starting at a_base (row already clamped into the matrix).
fn load_a(a_base: u32, row: u32, kk: u32) -> f32 {
  if (TRANS_A) { return a[a_base + kk * u.m + row]; }
  return a[a_base + row * u.k + kk];
}

fn store_row(c_base: u32, row: u32, n4: u32, col4: u32, v: vec4f) {
  if (row < u.m && col4 < n4) { c[c_base + row * n4 + col4] = v; }
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let bt = wid.z + (wid.y / u.tiles_m) * nwg.z;
  if (bt >= u.batch) { return; }
  let n4 = u.n / 4u;
  let row0 = ((wid.y % u.tiles_m) * WG_Y + lid.y) * TM;
  let col4 = wid.x * (8u * TV) + lid.x;
  // Reads are clamped into the matrix (the rows and columns past its edge are computed and
  // dropped): the row stays the same in every lane, so its a reads stay on one cache line.
  let last_row = u.m - 1u;
  let r0 = min(row0 + 0u, last_row);
  let r1 = min(row0 + 1u, last_row);
  let r2 = min(row0 + 2u, last_row);
  let r3 = min(row0 + 3u, last_row);
  let r4 = min(row0 + 4u, last_row);
  let r5 = min(row0 + 5u, last_row);
  let r6 = min(row0 + 6u, last_row);
  let r7 = min(row0 + 7u, last_row);
  let r8 = min(row0 + 8u, last_row);
  let r9 = min(row0 + 9u, last_row);
  let r10 = min(row0 + 10u, last_row);
  let r11 = min(row0 + 11u, last_row);
  let r12 = min(row0 + 12u, last_row);
  let r13 = min(row0 + 13u, last_row);
  let r14 = min(row0 + 14u, last_row);
  let r15 = min(row0 + 15u, last_row);
  let c0 = min(col4, n4 - 1u);
  let c1 = min(col4 + 8u, n4 - 1u);
  let a_base = bt * u.a_batch_stride;
  let b_base = bt * (u.b_batch_stride / 4u);

  // acc<row>_<t>: row 0..TM, vec4 column t (0: col4, 1: col4 + 8).
  var acc0_0 = vec4f(0.0); var acc0_1 = vec4f(0.0);
  var acc1_0 = vec4f(0.0); var acc1_1 = vec4f(0.0);
  var acc2_0 = vec4f(0.0); var acc2_1 = vec4f(0.0);
  var acc3_0 = vec4f(0.0); var acc3_1 = vec4f(0.0);
  var acc4_0 = vec4f(0.0); var acc4_1 = vec4f(0.0);
  var acc5_0 = vec4f(0.0); var acc5_1 = vec4f(0.0);
  var acc6_0 = vec4f(0.0); var acc6_1 = vec4f(0.0);
  var acc7_0 = vec4f(0.0); var acc7_1 = vec4f(0.0);
  var acc8_0 = vec4f(0.0); var acc8_1 = vec4f(0.0);
  var acc9_0 = vec4f(0.0); var acc9_1 = vec4f(0.0);
  var acc10_0 = vec4f(0.0); var acc10_1 = vec4f(0.0);
  var acc11_0 = vec4f(0.0); var acc11_1 = vec4f(0.0);
  var acc12_0 = vec4f(0.0); var acc12_1 = vec4f(0.0);
  var acc13_0 = vec4f(0.0); var acc13_1 = vec4f(0.0);
  var acc14_0 = vec4f(0.0); var acc14_1 = vec4f(0.0);
  var acc15_0 = vec4f(0.0); var acc15_1 = vec4f(0.0);

  for (var kk = 0u; kk < u.k; kk++) {
    let b_row = b_base + kk * n4;
    let b0 = b[b_row + c0];
    // TM and TV are pipeline constants: the untaken branches compile away.
    var b1 = vec4f(0.0);
    if (TV > 1u) { b1 = b[b_row + c1]; }
    let a0 = vec4f(load_a(a_base, r0, kk));
    let a1 = vec4f(load_a(a_base, r1, kk));
    let a2 = vec4f(load_a(a_base, r2, kk));
    let a3 = vec4f(load_a(a_base, r3, kk));
    let a4 = vec4f(load_a(a_base, r4, kk));
    let a5 = vec4f(load_a(a_base, r5, kk));
    let a6 = vec4f(load_a(a_base, r6, kk));
    let a7 = vec4f(load_a(a_base, r7, kk));
    acc0_0 = fma(a0, b0, acc0_0);
    acc1_0 = fma(a1, b0, acc1_0);
    acc2_0 = fma(a2, b0, acc2_0);
    acc3_0 = fma(a3, b0, acc3_0);
    acc4_0 = fma(a4, b0, acc4_0);
    acc5_0 = fma(a5, b0, acc5_0);
    acc6_0 = fma(a6, b0, acc6_0);
    acc7_0 = fma(a7, b0, acc7_0);
    if (TV > 1u) {
      acc0_1 = fma(a0, b1, acc0_1);
      acc1_1 = fma(a1, b1, acc1_1);
      acc2_1 = fma(a2, b1, acc2_1);
      acc3_1 = fma(a3, b1, acc3_1);
      acc4_1 = fma(a4, b1, acc4_1);
      acc5_1 = fma(a5, b1, acc5_1);
      acc6_1 = fma(a6, b1, acc6_1);
      acc7_1 = fma(a7, b1, acc7_1);
    }
    if (TM > 8u) {
      let a8 = vec4f(load_a(a_base, r8, kk));
      let a9 = vec4f(load_a(a_base, r9, kk));
      let a10 = vec4f(load_a(a_base, r10, kk));
      let a11 = vec4f(load_a(a_base, r11, kk));
      let a12 = vec4f(load_a(a_base, r12, kk));
      let a13 = vec4f(load_a(a_base, r13, kk));
      let a14 = vec4f(load_a(a_base, r14, kk));
      let a15 = vec4f(load_a(a_base, r15, kk));
      acc8_0 = fma(a8, b0, acc8_0);
      acc9_0 = fma(a9, b0, acc9_0);
      acc10_0 = fma(a10, b0, acc10_0);
      acc11_0 = fma(a11, b0, acc11_0);
      acc12_0 = fma(a12, b0, acc12_0);
      acc13_0 = fma(a13, b0, acc13_0);
      acc14_0 = fma(a14, b0, acc14_0);
      acc15_0 = fma(a15, b0, acc15_0);
      if (TV > 1u) {
        acc8_1 = fma(a8, b1, acc8_1);
        acc9_1 = fma(a9, b1, acc9_1);
        acc10_1 = fma(a10, b1, acc10_1);
        acc11_1 = fma(a11, b1, acc11_1);
        acc12_1 = fma(a12, b1, acc12_1);
        acc13_1 = fma(a13, b1, acc13_1);
        acc14_1 = fma(a14, b1, acc14_1);
        acc15_1 = fma(a15, b1, acc15_1);
      }
    }
  }

  let c_base = bt * u.m * n4;
  store_row(c_base, row0 + 0u, n4, col4, acc0_0);
  store_row(c_base, row0 + 1u, n4, col4, acc1_0);
  store_row(c_base, row0 + 2u, n4, col4, acc2_0);
  store_row(c_base, row0 + 3u, n4, col4, acc3_0);
  store_row(c_base, row0 + 4u, n4, col4, acc4_0);
  store_row(c_base, row0 + 5u, n4, col4, acc5_0);
  store_row(c_base, row0 + 6u, n4, col4, acc6_0);
  store_row(c_base, row0 + 7u, n4, col4, acc7_0);
  if (TV > 1u) {
    store_row(c_base, row0 + 0u, n4, col4 + 8u, acc0_1);
    store_row(c_base, row0 + 1u, n4, col4 + 8u, acc1_1);
    store_row(c_base, row0 + 2u, n4, col4 + 8u, acc2_1);
    store_row(c_base, row0 + 3u, n4, col4 + 8u, acc3_1);
    store_row(c_base, row0 + 4u, n4, col4 + 8u, acc4_1);
    store_row(c_base, row0 + 5u, n4, col4 + 8u, acc5_1);
    store_row(c_base, row0 + 6u, n4, col4 + 8u, acc6_1);
    store_row(c_base, row0 + 7u, n4, col4 + 8u, acc7_1);
  }
  if (TM > 8u) {
    store_row(c_base, row0 + 8u, n4, col4, acc8_0);
    store_row(c_base, row0 + 9u, n4, col4, acc9_0);
    store_row(c_base, row0 + 10u, n4, col4, acc10_0);
    store_row(c_base, row0 + 11u, n4, col4, acc11_0);
    store_row(c_base, row0 + 12u, n4, col4, acc12_0);
    store_row(c_base, row0 + 13u, n4, col4, acc13_0);
    store_row(c_base, row0 + 14u, n4, col4, acc14_0);
    store_row(c_base, row0 + 15u, n4, col4, acc15_0);
    if (TV > 1u) {
      store_row(c_base, row0 + 8u, n4, col4 + 8u, acc8_1);
      store_row(c_base, row0 + 9u, n4, col4 + 8u, acc9_1);
      store_row(c_base, row0 + 10u, n4, col4 + 8u, acc10_1);
      store_row(c_base, row0 + 11u, n4, col4 + 8u, acc11_1);
      store_row(c_base, row0 + 12u, n4, col4 + 8u, acc12_1);
      store_row(c_base, row0 + 13u, n4, col4 + 8u, acc13_1);
      store_row(c_base, row0 + 14u, n4, col4 + 8u, acc14_1);
      store_row(c_base, row0 + 15u, n4, col4 + 8u, acc15_1);
    }
  }
}
