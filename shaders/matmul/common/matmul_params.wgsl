// The uniform struct of the matmul kernels (matmul.wgsl, matmul_vec4.wgsl, matmul_small.wgsl).

struct Params {
  m: u32,
  n: u32,
  k: u32,
  batch: u32,
  a_batch_stride: u32,
  b_batch_stride: u32,
  // Workgroups along y per batch chunk: ceil(m / rows of c per workgroup).
  tiles_m: u32,
}
