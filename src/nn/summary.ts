/** One row of a model summary. */
export interface SummaryRow {
  /** `name (ClassName)` */
  layer: string;
  outputShape: string;
  params: number;
}

/** Parameter totals of a model. */
export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** 12942786 -> '12,942,786' */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes of float32 weights as Keras 3 prints them: '49.37 MB', '272.00 B'. */
function sizeLabel(params: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = params * 4;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

/**
 * Keras' summary table in its plain-text (2.x) form: name and type, output shape, parameter count,
 * then the totals as Keras 3 prints them (with thousands separators and sizes). Columns widen to
 * fit long names instead of wrapping them.
 */
export function formatSummary(modelName: string, rows: readonly SummaryRow[], counts: ParamCounts): string {
  const widths = [
    Math.max(29, ...rows.map((r) => r.layer.length + 3)),
    Math.max(26, ...rows.map((r) => r.outputShape.length + 2)),
    Math.max(10, ...rows.map((r) => String(r.params).length + 1)),
  ];
  const lineLength = widths[0]! + widths[1]! + widths[2]!;
  const cells = (a: string, b: string, c: string): string =>
    (' ' + a).padEnd(widths[0]!) + b.padEnd(widths[1]!) + c.padEnd(widths[2]!);
  const lines = [`Model: "${modelName}"`, '_'.repeat(lineLength), cells('Layer (type)', 'Output Shape', 'Param #'), '='.repeat(lineLength)];
  rows.forEach((r, i) => {
    lines.push(cells(r.layer, r.outputShape, String(r.params)));
    lines.push(i === rows.length - 1 ? '='.repeat(lineLength) : '_'.repeat(lineLength));
  });
  if (rows.length === 0) lines.push('='.repeat(lineLength));
  lines.push(`Total params: ${withThousands(counts.total)} (${sizeLabel(counts.total)})`);
  lines.push(`Trainable params: ${withThousands(counts.trainable)} (${sizeLabel(counts.trainable)})`);
  lines.push(`Non-trainable params: ${withThousands(counts.nonTrainable)} (${sizeLabel(counts.nonTrainable)})`);
  lines.push('_'.repeat(lineLength));
  return lines.join('\n');
}
