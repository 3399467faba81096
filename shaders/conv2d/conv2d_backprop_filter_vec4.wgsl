// conv2d_backprop_filter for output channels in whole vec4s: the split reduction of
// conv2d_backprop_filter.wgsl, partial[k, o, z] = Σ_{p in chunk z} A[k, p]·dy[p, o], with the same
// layouts, uniforms and partial layout; dy is bound as vec4 rows of outC / 4.
// src/backend/webgpu/kernels/conv.ts picks it when outC is a multiple of 4 and at least 32.
// Dispatch: x the row tiles of TAPS·WG_Y taps, y the channel tiles of 32·TV, z the chunks.
// Invocation (lane, g) sums the TAPS taps k0 + TAPS·g.. for the vec4 channels lane + 8·t
// (t < TV): per pixel, TAPS reads of x shared by the 8 lanes of a row (the tap and pixel do not
// depend on the lane) and TV vec4 reads of dy per lane feed TAPS·TV vec4 multiply-adds. TAPS (1
// to 16) fits the rows: a first layer's 9 taps (3x3, one channel) take one invocation row. Why no workgroup
// memory: see shaders/matmul/matmul_vec4.wgsl (software Vulkan runs a row's lanes as SIMD lanes;
// only reads at one address for all lanes avoid a loop over the lanes).

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
  // every lane, so the x reads stay broadcasts). Neither is stored.
  let c0 = min(o4, out_c4 - 1u);
  let c1 = min(o4 + 8u, out_c4 - 1u);
  let last = u.m - 1u;
  let tap0 = tap_of(min(k0 + 0u, last));
  let tap1 = tap_of(min(k0 + 1u, last));
  let tap2 = tap_of(min(k0 + 2u, last));
  let tap3 = tap_of(min(k0 + 3u, last));
  let tap4 = tap_of(min(k0 + 4u, last));
  let tap5 = tap_of(min(k0 + 5u, last));
  let tap6 = tap_of(min(k0 + 6u, last));
  let tap7 = tap_of(min(k0 + 7u, last));
  let tap8 = tap_of(min(k0 + 8u, last));
  let tap9 = tap_of(min(k0 + 9u, last));
  let tap10 = tap_of(min(k0 + 10u, last));
  let tap11 = tap_of(min(k0 + 11u, last));
  let tap12 = tap_of(min(k0 + 12u, last));
  let tap13 = tap_of(min(k0 + 13u, last));
  let tap14 = tap_of(min(k0 + 14u, last));
  let tap15 = tap_of(min(k0 + 15u, last));

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
    // TAPS and TV are pipeline constants: the untaken branches compile away.
    var b1 = vec4f(0.0);
    if (TV > 1u) { b1 = dy[p * out_c4 + c1]; }
    if (TAPS > 0u) { let a = vec4f(tap_value(tap0, image, ih0, iw0)); acc0_0 = fma(a, b0, acc0_0); if (TV > 1u) { acc0_1 = fma(a, b1, acc0_1); } }
    if (TAPS > 1u) { let a = vec4f(tap_value(tap1, image, ih0, iw0)); acc1_0 = fma(a, b0, acc1_0); if (TV > 1u) { acc1_1 = fma(a, b1, acc1_1); } }
    if (TAPS > 2u) { let a = vec4f(tap_value(tap2, image, ih0, iw0)); acc2_0 = fma(a, b0, acc2_0); if (TV > 1u) { acc2_1 = fma(a, b1, acc2_1); } }
    if (TAPS > 3u) { let a = vec4f(tap_value(tap3, image, ih0, iw0)); acc3_0 = fma(a, b0, acc3_0); if (TV > 1u) { acc3_1 = fma(a, b1, acc3_1); } }
    if (TAPS > 4u) { let a = vec4f(tap_value(tap4, image, ih0, iw0)); acc4_0 = fma(a, b0, acc4_0); if (TV > 1u) { acc4_1 = fma(a, b1, acc4_1); } }
    if (TAPS > 5u) { let a = vec4f(tap_value(tap5, image, ih0, iw0)); acc5_0 = fma(a, b0, acc5_0); if (TV > 1u) { acc5_1 = fma(a, b1, acc5_1); } }
    if (TAPS > 6u) { let a = vec4f(tap_value(tap6, image, ih0, iw0)); acc6_0 = fma(a, b0, acc6_0); if (TV > 1u) { acc6_1 = fma(a, b1, acc6_1); } }
    if (TAPS > 7u) { let a = vec4f(tap_value(tap7, image, ih0, iw0)); acc7_0 = fma(a, b0, acc7_0); if (TV > 1u) { acc7_1 = fma(a, b1, acc7_1); } }
    if (TAPS > 8u) { let a = vec4f(tap_value(tap8, image, ih0, iw0)); acc8_0 = fma(a, b0, acc8_0); if (TV > 1u) { acc8_1 = fma(a, b1, acc8_1); } }
    if (TAPS > 9u) { let a = vec4f(tap_value(tap9, image, ih0, iw0)); acc9_0 = fma(a, b0, acc9_0); if (TV > 1u) { acc9_1 = fma(a, b1, acc9_1); } }
    if (TAPS > 10u) { let a = vec4f(tap_value(tap10, image, ih0, iw0)); acc10_0 = fma(a, b0, acc10_0); if (TV > 1u) { acc10_1 = fma(a, b1, acc10_1); } }
    if (TAPS > 11u) { let a = vec4f(tap_value(tap11, image, ih0, iw0)); acc11_0 = fma(a, b0, acc11_0); if (TV > 1u) { acc11_1 = fma(a, b1, acc11_1); } }
    if (TAPS > 12u) { let a = vec4f(tap_value(tap12, image, ih0, iw0)); acc12_0 = fma(a, b0, acc12_0); if (TV > 1u) { acc12_1 = fma(a, b1, acc12_1); } }
    if (TAPS > 13u) { let a = vec4f(tap_value(tap13, image, ih0, iw0)); acc13_0 = fma(a, b0, acc13_0); if (TV > 1u) { acc13_1 = fma(a, b1, acc13_1); } }
    if (TAPS > 14u) { let a = vec4f(tap_value(tap14, image, ih0, iw0)); acc14_0 = fma(a, b0, acc14_0); if (TV > 1u) { acc14_1 = fma(a, b1, acc14_1); } }
    if (TAPS > 15u) { let a = vec4f(tap_value(tap15, image, ih0, iw0)); acc15_0 = fma(a, b0, acc15_0); if (TV > 1u) { acc15_1 = fma(a, b1, acc15_1); } }
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

  if (TAPS > 0u) { store(k0 + 0u, o4, z, acc0_0); if (TV > 1u) { store(k0 + 0u, o4 + 8u, z, acc0_1); } }
  if (TAPS > 1u) { store(k0 + 1u, o4, z, acc1_0); if (TV > 1u) { store(k0 + 1u, o4 + 8u, z, acc1_1); } }
  if (TAPS > 2u) { store(k0 + 2u, o4, z, acc2_0); if (TV > 1u) { store(k0 + 2u, o4 + 8u, z, acc2_1); } }
  if (TAPS > 3u) { store(k0 + 3u, o4, z, acc3_0); if (TV > 1u) { store(k0 + 3u, o4 + 8u, z, acc3_1); } }
  if (TAPS > 4u) { store(k0 + 4u, o4, z, acc4_0); if (TV > 1u) { store(k0 + 4u, o4 + 8u, z, acc4_1); } }
  if (TAPS > 5u) { store(k0 + 5u, o4, z, acc5_0); if (TV > 1u) { store(k0 + 5u, o4 + 8u, z, acc5_1); } }
  if (TAPS > 6u) { store(k0 + 6u, o4, z, acc6_0); if (TV > 1u) { store(k0 + 6u, o4 + 8u, z, acc6_1); } }
  if (TAPS > 7u) { store(k0 + 7u, o4, z, acc7_0); if (TV > 1u) { store(k0 + 7u, o4 + 8u, z, acc7_1); } }
  if (TAPS > 8u) { store(k0 + 8u, o4, z, acc8_0); if (TV > 1u) { store(k0 + 8u, o4 + 8u, z, acc8_1); } }
  if (TAPS > 9u) { store(k0 + 9u, o4, z, acc9_0); if (TV > 1u) { store(k0 + 9u, o4 + 8u, z, acc9_1); } }
  if (TAPS > 10u) { store(k0 + 10u, o4, z, acc10_0); if (TV > 1u) { store(k0 + 10u, o4 + 8u, z, acc10_1); } }
  if (TAPS > 11u) { store(k0 + 11u, o4, z, acc11_0); if (TV > 1u) { store(k0 + 11u, o4 + 8u, z, acc11_1); } }
  if (TAPS > 12u) { store(k0 + 12u, o4, z, acc12_0); if (TV > 1u) { store(k0 + 12u, o4 + 8u, z, acc12_1); } }
  if (TAPS > 13u) { store(k0 + 13u, o4, z, acc13_0); if (TV > 1u) { store(k0 + 13u, o4 + 8u, z, acc13_1); } }
  if (TAPS > 14u) { store(k0 + 14u, o4, z, acc14_0); if (TV > 1u) { store(k0 + 14u, o4 + 8u, z, acc14_1); } }
  if (TAPS > 15u) { store(k0 + 15u, o4, z, acc15_0); if (TV > 1u) { store(k0 + 15u, o4 + 8u, z, acc15_1); } }
}
