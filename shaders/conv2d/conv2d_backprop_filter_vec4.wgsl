// conv2d_backprop_filter for output channels in whole vec4s: the split reduction of
// conv2d_backprop_filter.wgsl, partial[k, o, z] = Σ_{p in chunk z} A[k, p]·dy[p, o], with the same
// layouts, uniforms and partial layout; dy is bound as vec4 rows of outC / 4.
// src/backend/webgpu/dispatch/conv.ts picks it when outC is a multiple of 4 and at least 32.
// Dispatch: x the row tiles of TAPS·WG_Y taps, y the channel tiles of 32·TV, z the chunks.
// Invocation (lane, g) sums the TAPS taps k0 + TAPS·g.. for the vec4 channels lane + 8·t
// (t < TV): per pixel, TAPS reads of x shared by the 8 lanes of a row (the tap and pixel do not
// depend on the lane) and TV vec4 reads of dy per lane feed TAPS·TV vec4 multiply-adds. TAPS (1
// to 16) fits the rows: a first layer's 9 taps (3x3, one channel) take one invocation row. Why no workgroup
// memory: see shaders/matmul/matmul_vec4.wgsl (software Vulkan runs a row's lanes as SIMD lanes
// and reads storage lane by lane: what counts is reads per multiply-add).
//!include conv2d/common/conv_params.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Rows of 8 invocations per workgroup; taps per invocation (1 to 16); vec4 channels per
// invocation (1 or 2).
override WG_Y: u32 = 8u;
override TAPS: u32 = 16u;
override TV: u32 = 2u;
// Some window reaches past the input (padding): false for 'valid' convolutions (no bounds checks).
override CHECK_BOUNDS: bool = true;

// A tap's offsets from a pixel's window origin and its input channel.
struct Tap {
  dh: i32,
  dw: i32,
  c: u32,
}

fn tap_of(k: u32) -> Tap {
  let c = k % u.in_c;
  let kw = (k / u.in_c) % u.k_w;
  let kh = k / (u.in_c * u.k_w);
  return Tap(i32(kh) * u.dilation_h - u.pad_top, i32(kw) * u.dilation_w - u.pad_left, c);
}

// x under the tap for the pixel whose window starts at row ih0, column iw0 of image row `image`
// (n·inH); 0 in the padding (the read itself is clamped to x[0]).
fn tap_value(t: Tap, image: i32, ih0: i32, iw0: i32) -> f32 {
  let ih = ih0 + t.dh;
  let iw = iw0 + t.dw;
  let at = ((image + ih) * u.in_w + iw) * i32(u.in_c) + i32(t.c);
  if (!CHECK_BOUNDS) { return x[u32(at)]; }
  // `&`, not `&&`: see tap_offset in conv2d_vec4.wgsl (SwiftShader's compiler and branches).
  let inside = (u32(ih) < u32(u.in_h)) & (u32(iw) < u32(u.in_w));
  return select(0.0, x[u32(select(0, at, inside))], inside);
}

fn store(k: u32, o4: u32, z: u32, v: vec4f) {
  if (k >= u.m || 4u * o4 >= u.out_c) { return; }
  let at = (k * u.out_c + 4u * o4) * u.splits + z;
  partial[at] = v.x;
  partial[at + u.splits] = v.y;
  partial[at + 2u * u.splits] = v.z;
  partial[at + 3u * u.splits] = v.w;
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let out_c4 = u.out_c / 4u;
  let k0 = (wid.x * WG_Y + lid.y) * TAPS;
  let o4 = wid.y * (8u * TV) + lid.x;
  let z = wid.z;
  // Lanes past the last channel read the last one; taps past the last repeat it (the same in
  // every lane, so the x reads stay on one cache line). Neither is stored.
  let c0 = min(o4, out_c4 - 1u);
  let c1 = min(o4 + 8u, out_c4 - 1u);
  let last = u.m - 1u;
  // The loops over taps have a constant trip count (TAPS is a pipeline constant): compilers
  // unroll them and keep these arrays in registers.
  var taps: array<Tap, 16>;
  for (var i = 0u; i < TAPS; i++) { taps[i] = tap_of(min(k0 + i, last)); }
  // acc[2·i + t]: tap i, vec4 channel t.
  var acc: array<vec4f, 32>;

  let p_begin = z * u.chunk;
  let p_end = min(p_begin + u.chunk, u.pixels);
  // The pixel (n, oh, ow) of p, advanced without dividing.
  var ow = p_begin % u.out_w;
  var oh = (p_begin / u.out_w) % u.out_h;
  var image = i32(p_begin / (u.out_w * u.out_h)) * u.in_h;
  for (var p = p_begin; p < p_end; p++) {
    let ih0 = i32(oh) * u.stride_h;
    let iw0 = i32(ow) * u.stride_w;
    let b0 = dy[p * out_c4 + c0];
    // TV is a pipeline constant: the untaken branches compile away.
    var b1 = vec4f(0.0);
    if (TV > 1u) { b1 = dy[p * out_c4 + c1]; }
    for (var i = 0u; i < TAPS; i++) {
      let a = vec4f(tap_value(taps[i], image, ih0, iw0));
      acc[2u * i] = fma(a, b0, acc[2u * i]);
      if (TV > 1u) { acc[2u * i + 1u] = fma(a, b1, acc[2u * i + 1u]); }
    }
    ow += 1u;
    if (ow == u.out_w) {
      ow = 0u;
      oh += 1u;
      if (oh == u.out_h) {
        oh = 0u;
        image += u.in_h;
      }
    }
  }

  for (var i = 0u; i < TAPS; i++) {
    store(k0 + i, o4, z, acc[2u * i]);
    if (TV > 1u) { store(k0 + i, o4 + 8u, z, acc[2u * i + 1u]); }
  }
}
