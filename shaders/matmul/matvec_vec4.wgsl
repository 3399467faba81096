// Vector-matrix product (m = 1) reading B as vec4s: the partial sums of shaders/matmul/matvec.wgsl
// (same layouts, bindings and uniforms; B bound as vec4s), for B whose rows are whole vec4s along
// the direction read. src/backend/webgpu/kernels/matmul.ts picks it when n (B [k, n]) or k and
// the chunk (TRANS_B: B [n, k]) are multiples of 4, with B's batch offset.
// B [k, n]: an invocation owns the vec4 of columns 4j..4j+3 and reads one vec4 of B per k.
// TRANS_B: an invocation owns column j and reads B's row j four k at a time, dotted with the same
// four elements of a.
// Why: a is read at the same address by every invocation (one load and a broadcast on software
// Vulkan, which runs invocations as SIMD lanes; a cache broadcast on a GPU), while each B read is
// per lane (a loop over the lanes in lavapipe): four multiply-adds per B read instead of one.
// Dispatch: x = ceil(columns / WG) (columns = n / 4, or n with TRANS_B), y = splits, z = batch.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
override TRANS_B: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let s = gid.y;
  let batch = gid.z;
  let a_base = batch * u.a_batch_stride;
  let b_base = batch * (u.b_batch_stride / 4u);
  let begin = s * u.chunk;
  let end = min(begin + u.chunk, u.k);
  let out = (batch * u.splits + s) * u.n;
  if (TRANS_B) {
    if (j >= u.n) { return; }
    // k and the chunk are multiples of 4: whole vec4s of the row.
    let row = b_base + j * (u.k / 4u);
    var acc = 0.0;
    for (var kk = begin; kk < end; kk += 4u) {
      let av = vec4f(a[a_base + kk], a[a_base + kk + 1u], a[a_base + kk + 2u], a[a_base + kk + 3u]);
      acc += dot(av, b[row + kk / 4u]);
    }
    part[out + j] = acc;
    return;
  }
  let n4 = u.n / 4u;
  if (j >= n4) { return; }
  var acc = vec4f(0.0);
  for (var kk = begin; kk < end; kk++) {
    acc = fma(vec4f(a[a_base + kk]), b[b_base + kk * n4 + j], acc);
  }
  part[out + 4u * j] = acc.x;
  part[out + 4u * j + 1u] = acc.y;
  part[out + 4u * j + 2u] = acc.z;
  part[out + 4u * j + 3u] = acc.w;
}
