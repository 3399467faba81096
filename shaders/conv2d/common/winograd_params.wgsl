// The uniform struct of the Winograd F(4x4, 3x3) transforms of the conv2d input gradient
// (winograd_filter.wgsl, winograd_input.wgsl, winograd_output.wgsl). in_* is dx (the conv's
// input), out_* dy.
// The batch's images are laid out grid_w per row, image n at row (n / grid_w)·row_period and
// column (n % grid_w)·col_period; that image is cut into tiles of 4x4, tiles_w per row of tiles,
// `tiles` in all; V and M hold tile_stride columns (tiles rounded up to 4). Tile (th, tw) reads
// the 6x6 window of the laid-out dy at row 4·th - shift_top, column 4·tw - shift_left
// (src/kernel_ids/winograd.ts).

struct Params {
  in_h: u32,
  in_w: u32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  batch: u32,
  grid_w: u32,
  row_period: u32,
  col_period: u32,
  tiles_w: u32,
  tiles: u32,
  tile_stride: u32,
  shift_top: u32,
  shift_left: u32,
}
