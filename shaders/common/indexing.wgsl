// Index helpers, and NaN and infinity as run-time values.
// Shapes and strides travel in uniforms as array<vec4u, 2>: up to 8 dimensions, outermost first.

// Flat invocation index over a 2-D dispatch grid (one grid dimension stops at 65535 workgroups).
fn linear_index(gid: vec3u, nwg: vec3u, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}

// Dimension d of an 8-slot shape or stride list.
fn dim8(v: array<vec4u, 2>, d: u32) -> u32 {
  return v[d / 4u][d % 4u];
}

// Signed variant, for strides and offsets that may be negative (reversed slices).
fn dim8i(v: array<vec4i, 2>, d: u32) -> i32 {
  return v[d / 4u][d % 4u];
}

// Whether four consecutive elements of a row-major array of this shape starting at a multiple of
// 4 lie in one innermost row (they do when that axis holds whole fours): kernels that handle four
// elements per invocation then index the first and step along the row for the others.
fn fours_share_row(shape: array<vec4u, 2>, rank: u32) -> bool {
  return rank > 0u && dim8(shape, rank - 1u) % 4u == 0u;
}

// NaN and infinity cannot be written as constant expressions in WGSL; reading the bits from a
// private variable makes them run-time values.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn f32_nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn f32_inf() -> f32 { return bitcast<f32>(INF_BITS); }
