// Vector-matrix product (m = 1): part[b, s, j] = sum over kk in chunk s of a[b, kk] * op(B[b])[kk, j],
// the case of a dense layer on one sample (the article's attack: [1, 25088] x [25088, 512]). The
// tiled matmul would stage 63 rows of padding per tile; here every invocation owns one column j
// and one chunk of k, so the weights stream once and long k is split across workgroups. With
// more than one chunk the partial sums are added by a row reduction afterwards.
// Layout: a [batch] x [k] (a_batch_stride apart; op(A) = Aᵀ of a [k, 1] matrix is the same);
// B [k, n] row-major, or [n, k] when TRANS_B; part [batch, splits, n].
// Bindings: 0 a (read), 1 b (read), 2 part (write), 3 uniforms (Params of common/matvec_params.wgsl).
// Dispatch: x = ceil(n / WG), y = splits, z = batch; one invocation computes one partial sum.
//!include matmul/common/matvec_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
override TRANS_B: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let s = gid.y;
  let batch = gid.z;
  if (j >= u.n) { return; }
  let a_base = batch * u.a_batch_stride;
  let b_base = batch * u.b_batch_stride;
  let begin = s * u.chunk;
  let end = min(begin + u.chunk, u.k);
  var acc = 0.0;
  for (var kk = begin; kk < end; kk++) {
    var bv: f32;
    if (TRANS_B) {
      bv = b[b_base + j * u.k + kk];
    } else {
      bv = b[b_base + kk * u.n + j];
    }
    acc += a[a_base + kk] * bv;
  }
  part[(batch * u.splits + s) * u.n + j] = acc;
}
