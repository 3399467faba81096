// The workgroup tiles of the implicit-GEMM conv kernels (conv2d.wgsl, conv2d_backprop_filter.wgsl,
// conv2d_backprop_input.wgsl) and their register-tile product.
// Each K step, a shader stages a BM x BK tile of its A matrix and a BK x BN tile of B (k-major,
// as vec4s) and calls multiply_staged_tiles, which adds A_tile·B_tile into the TM x TN outputs of
// invocation (tx, ty) at rows ty·TM.., columns tx·TN..: per k, TM/4 + TN/4 vec4 reads of
// workgroup memory feed TM·TN multiply-adds.
// Tile shape: invocations along M and N; outputs per invocation along each (multiples of 4, at
// most 8, so 16 vec4 accumulators); k per step. BM·BK must be a multiple of the invocation
// count, with at most MAX_LOADS A elements staged per invocation and step
// (src/backend/webgpu/dispatch/conv.ts checks).

override WG_M: u32 = 8u;
override WG_N: u32 = 8u;
override TM: u32 = 8u;
override TN: u32 = 8u;
override BK: u32 = 8u;
override BM: u32 = WG_M * TM;
override BN: u32 = WG_N * TN;
override A_TILE4: u32 = BK * BM / 4u;
override B_TILE4: u32 = BK * BN / 4u;
const MAX_LOADS: u32 = 16u;

var<workgroup> a_tile: array<vec4f, A_TILE4>;  // [BK][BM]
var<workgroup> b_tile: array<vec4f, B_TILE4>;  // [BK][BN]

// acc[i·(TN/4) + j]: output row i, vec4 column j of this invocation's tile.
fn multiply_staged_tiles(tx: u32, ty: u32, acc: ptr<function, array<vec4f, 16>>) {
  var a_reg: array<vec4f, 2>;
  var b_reg: array<vec4f, 2>;
  for (var kk = 0u; kk < BK; kk++) {
    for (var i = 0u; i < TM / 4u; i++) { a_reg[i] = a_tile[(kk * BM + ty * TM) / 4u + i]; }
    for (var j = 0u; j < TN / 4u; j++) { b_reg[j] = b_tile[(kk * BN + tx * TN) / 4u + j]; }
    for (var i = 0u; i < TM; i++) {
      let a = vec4f(a_reg[i / 4u][i % 4u]);
      for (var j = 0u; j < TN / 4u; j++) {
        (*acc)[i * (TN / 4u) + j] = fma(a, b_reg[j], (*acc)[i * (TN / 4u) + j]);
      }
    }
  }
}
