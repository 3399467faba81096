// The uniform struct of the matvec kernels (matvec.wgsl and matvec_vec4.wgsl).

struct Params {
  n: u32,
  k: u32,
  chunk: u32,
  splits: u32,
  a_batch_stride: u32,
  b_batch_stride: u32,
}
