// Inverted dropout with a counter-based mask: y[i] = x[i] * scale when
// uniform01(seed, mask_index(i), 0) >= rate, else 0 (scale = 1 / (1 - rate), as Keras). The mask
// depends only on (seed, mask_index), so the CPU twin draws the same mask and the backward pass
// (the same kernel applied to dy) regenerates it instead of storing it.
// mask_index(i) = sum_d coord_d(i) * noise_strides[d], coordinates taken in `shape`: the
// row-major index into the noise shape, whose broadcast axes have stride 0 (shared mask).
// Layout: x and y are row-major of shape `shape` (rank dims, n elements).
// Bindings: 0 x (read), 1 y (write), 2 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation per four consecutive
// elements (see shaders/elementwise/unary.wgsl for why on lavapipe): when the innermost axis
// holds whole fours, their mask indices follow from the first's by its noise stride.
//!include common/indexing.wgsl
//!include common/random.wgsl

struct Params {
  shape: array<vec4u, 2>,
  noise_strides: array<vec4u, 2>,
  n: u32,
  rank: u32,
  seed: u32,
  rate: f32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

// Row-major index into the noise shape of element i (see the header).
fn mask_index(i: u32) -> u32 {
  var rem = i;
  var index = 0u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.shape, u32(d));
    index += (rem % size) * dim8(u.noise_strides, u32(d));
    rem = rem / size;
  }
  return index;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  if (i0 >= u.n) { return; }
  let last = max(u.rank, 1u) - 1u;
  // Uniform: the four share a row of the innermost axis, or each finds its own index.
  let same_row = fours_share_row(u.shape, u.rank);
  let first = mask_index(i0);
  for (var i = i0; i < min(i0 + 4u, u.n); i++) {
    var index = first + (i - i0) * dim8(u.noise_strides, last);
    if (!same_row) { index = mask_index(i); }
    let keep = uniform01(u.seed, index, 0u) >= u.rate;
    // x · 0 where dropped, as TensorFlow computes it: a dropped NaN stays NaN.
    y[i] = x[i] * select(0.0, u.scale, keep);
  }
}
