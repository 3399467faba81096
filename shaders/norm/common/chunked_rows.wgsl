// The uniform struct of the two-pass batch-norm reductions (batch_norm_stats_* and
// batch_norm_grad_*): x viewed as [rows, channels], the rows split into `chunks` chunks of
// rows_per_chunk rows (the last may hold fewer).

struct Params {
  rows: u32,
  channels: u32,
  rows_per_chunk: u32,
  chunks: u32,
  epsilon: f32,
}
