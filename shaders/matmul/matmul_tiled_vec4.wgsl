// Batched matrix product for GPUs, every global access a vec4: c[bt] = op(a[bt]) @ op(b[bt]),
// the layouts, bindings and uniforms of shaders/matmul/matmul.wgsl (Params of
// common/matmul_params.wgsl) with a, b and c bound as vec4s. op(a) is [m, k]: a stored [m, k]
// (vec4s along k), or [k, m] when TRANS_A (vec4s along m); op(b) is [k, n]: b stored [k, n]
// (vec4s along n), or [n, k] when TRANS_B (vec4s along k); c [batch, m, n] (vec4s along n).
// src/backend/webgpu/dispatch/matmul.ts offers it only where those rows are whole vec4s: n and
// the stored row length of a and b multiples of 4, and so the batch offsets.
// Dispatch: workgroups (ceil(n / BN), tiles_m · batch chunks, min(batch, 65535)), BM = WG_M·TM
// rows and BN = WG_N·TN columns per workgroup (the tile of conv2d/common/gemm_tiles.wgsl).
// Per step of BK (a multiple of 4) along k the workgroup stages BM x BK of op(a) and BK x BN of
// op(b) in workgroup memory with coalesced vec4 loads (consecutive invocations read consecutive
// vec4s); invocation (x, y) then accumulates its TM x TN block in registers
// (multiply_staged_tiles): per k, TM/4 + TN/4 workgroup-memory reads for TM·TN multiply-adds.
// Written for GPUs, where workgroup memory is on-chip and a vec4 load is one transaction; on
// software Vulkan the barriers cost more than the tiles save (see matmul_vec4.wgsl).
//!include matmul/common/matmul_params.wgsl
//!include conv2d/common/gemm_tiles.wgsl

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Params;

override TRANS_A: bool = false;
override TRANS_B: bool = false;

// Stages the BM x BK slice of op(a) at k0 into a_tile ([BK][BM], k-major).
fn stage_a(a_base: u32, m0: u32, k0: u32, lid: u32, threads: u32) {
  let bm4 = BM / 4u;
  for (var s = lid; s < BM * BK / 4u; s += threads) {
    if (TRANS_A) {
      // A vec4 of four rows at one k: one slot of a_tile.
      let kk = s / bm4;
      let r4 = s % bm4;
      let row = m0 + 4u * r4;
      var v = vec4f(0.0);
      if (k0 + kk < u.k && row < u.m) { v = a[(a_base + (k0 + kk) * u.m + row) / 4u]; }
      a_tile[kk * bm4 + r4] = v;
    } else {
      // A vec4 of four k at one row: one component of four slots.
      let r = s / (BK / 4u);
      let q = 4u * (s % (BK / 4u));
      let row = m0 + r;
      var v = vec4f(0.0);
      if (row < u.m && k0 + q < u.k) { v = a[(a_base + row * u.k + k0 + q) / 4u]; }
      let slot = r / 4u;
      let lane = r % 4u;
      a_tile[q * bm4 + slot][lane] = v.x;
      a_tile[(q + 1u) * bm4 + slot][lane] = v.y;
      a_tile[(q + 2u) * bm4 + slot][lane] = v.z;
      a_tile[(q + 3u) * bm4 + slot][lane] = v.w;
    }
  }
}

// Stages the BK x BN slice of op(b) at k0 into b_tile ([BK][BN], k-major).
fn stage_b(b_base: u32, n0: u32, k0: u32, lid: u32, threads: u32) {
  let bn4 = BN / 4u;
  for (var s = lid; s < BN * BK / 4u; s += threads) {
    if (TRANS_B) {
      let col = s / (BK / 4u);
      let q = 4u * (s % (BK / 4u));
      var v = vec4f(0.0);
      if (n0 + col < u.n && k0 + q < u.k) { v = b[(b_base + (n0 + col) * u.k + k0 + q) / 4u]; }
      let slot = col / 4u;
      let lane = col % 4u;
      b_tile[q * bn4 + slot][lane] = v.x;
      b_tile[(q + 1u) * bn4 + slot][lane] = v.y;
      b_tile[(q + 2u) * bn4 + slot][lane] = v.z;
      b_tile[(q + 3u) * bn4 + slot][lane] = v.w;
    } else {
      let kk = s / bn4;
      let c4 = s % bn4;
      var v = vec4f(0.0);
      if (k0 + kk < u.k && n0 + 4u * c4 < u.n) { v = b[(b_base + (k0 + kk) * u.n + n0) / 4u + c4]; }
      b_tile[kk * bn4 + c4] = v;
    }
  }
}

@compute @workgroup_size(WG_N, WG_M)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u, @builtin(local_invocation_index) lid: u32) {
  let bt = wid.z + (wid.y / u.tiles_m) * nwg.z;
  // Workgroup-uniform: the whole workgroup leaves together, before any barrier.
  if (bt >= u.batch) { return; }
  let threads = WG_M * WG_N;
  let m0 = (wid.y % u.tiles_m) * BM;
  let n0 = wid.x * BN;
  let a_base = bt * u.a_batch_stride;
  let b_base = bt * u.b_batch_stride;

  var acc: array<vec4f, 16>;  // [TM][TN / 4]
  for (var i = 0u; i < TM * TN / 4u; i++) { acc[i] = vec4f(0.0); }
  for (var k0 = 0u; k0 < u.k; k0 += BK) {
    stage_a(a_base, m0, k0, lid, threads);
    stage_b(b_base, n0, k0, lid, threads);
    workgroupBarrier();
    multiply_staged_tiles(lid3.x, lid3.y, &acc);
    workgroupBarrier();
  }

  let n4 = u.n / 4u;
  let c_base = bt * u.m * n4;
  let col4 = (n0 + lid3.x * TN) / 4u;
  for (var i = 0u; i < TM; i++) {
    let row = m0 + lid3.y * TM + i;
    if (row >= u.m) { break; }
    for (var j = 0u; j < TN / 4u; j++) {
      if (col4 + j < n4) { c[c_base + row * n4 + col4 + j] = acc[i * (TN / 4u) + j]; }
    }
  }
}
