/**
 * Canvas drawing for the demo pages: a plot box with ticks and labels (linear or log y), lines,
 * dots, and a legend. Tick values come from the report's scale module, so pages and report agree.
 */
import { linearScale, logScale, niceDomain, type Scale } from '../../../src/report/scale.js';

/** Options of `Plot`. */
export interface PlotOptions {
  x: readonly [number, number];
  y: readonly [number, number];
  logY?: boolean;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/** A 2-D plot on a canvas; `clear()` redraws the frame, then draw series on it. */
export class Plot {
  readonly ctx: CanvasRenderingContext2D;
  readonly x: Scale;
  readonly y: Scale;
  private readonly box: { x0: number; x1: number; y0: number; y1: number };

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: PlotOptions,
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.box = { x0: 56, x1: canvas.width - 12, y0: canvas.height - 36, y1: options.title ? 26 : 10 };
    this.x = linearScale(options.x, [this.box.x0, this.box.x1]);
    this.y = options.logY ? logScale(options.y, [this.box.y0, this.box.y1]) : linearScale(options.y, [this.box.y0, this.box.y1]);
  }

  /** Clears the canvas and draws the frame, grid, ticks and labels. */
  clear(): void {
    const { ctx, box } = this;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.fillStyle = '#333';
    ctx.textAlign = 'center';
    for (const v of this.x.ticks(6)) {
      ctx.strokeStyle = '#e6e6e6';
      this.segment(this.x(v), box.y0, this.x(v), box.y1);
      ctx.fillText(this.x.format(v), this.x(v), box.y0 + 14);
    }
    ctx.textAlign = 'right';
    for (const v of this.y.ticks(5)) {
      ctx.strokeStyle = '#e6e6e6';
      this.segment(box.x0, this.y(v), box.x1, this.y(v));
      ctx.fillText(this.y.format(v), box.x0 - 5, this.y(v) + 4);
    }
    ctx.strokeStyle = '#444';
    ctx.strokeRect(box.x0, box.y1, box.x1 - box.x0, box.y0 - box.y1);
    ctx.textAlign = 'center';
    if (this.options.title) {
      ctx.font = 'bold 12px system-ui, sans-serif';
      ctx.fillText(this.options.title, (box.x0 + box.x1) / 2, 16);
      ctx.font = '11px system-ui, sans-serif';
    }
    if (this.options.xLabel) ctx.fillText(this.options.xLabel, (box.x0 + box.x1) / 2, this.canvas.height - 6);
    if (this.options.yLabel) {
      ctx.save();
      ctx.translate(12, (box.y0 + box.y1) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(this.options.yLabel, 0, 0);
      ctx.restore();
    }
  }

  /** A polyline through data points, clipped to the plot box. */
  line(points: readonly (readonly [number, number])[], color: string, options: { width?: number; dashed?: boolean } = {}): void {
    const { ctx } = this;
    ctx.save();
    this.clip();
    ctx.strokeStyle = color;
    ctx.lineWidth = options.width ?? 2;
    ctx.setLineDash(options.dashed ? [6, 4] : []);
    ctx.beginPath();
    let pen = false;
    for (const [a, b] of points) {
      const px = this.x(a);
      const py = this.y(b);
      if (!Number.isFinite(px) || !Number.isFinite(py)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
    ctx.restore();
  }

  /** Dots at data points. */
  dots(points: readonly (readonly [number, number])[], color: string, radius = 2.5): void {
    const { ctx } = this;
    ctx.save();
    this.clip();
    ctx.fillStyle = color;
    for (const [a, b] of points) {
      ctx.beginPath();
      ctx.arc(this.x(a), this.y(b), radius, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
  }

  /** A legend in the top-right corner of the plot box. */
  legend(entries: readonly { label: string; color: string; dashed?: boolean }[]): void {
    const { ctx, box } = this;
    ctx.font = '11px system-ui, sans-serif';
    const width = 34 + Math.max(...entries.map((e) => ctx.measureText(e.label).width));
    const x = box.x1 - width - 6;
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(x, box.y1 + 6, width, 8 + 15 * entries.length);
    entries.forEach((e, i) => {
      const y = box.y1 + 6 + 4 + 15 * i + 7.5;
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(e.dashed ? [5, 3] : []);
      this.segment(x + 6, y, x + 26, y);
      ctx.setLineDash([]);
      ctx.fillStyle = '#222';
      ctx.textAlign = 'left';
      ctx.fillText(e.label, x + 31, y + 4);
    });
  }

  private segment(x0: number, y0: number, x1: number, y1: number): void {
    this.ctx.beginPath();
    this.ctx.moveTo(x0, y0);
    this.ctx.lineTo(x1, y1);
    this.ctx.stroke();
  }

  private clip(): void {
    const { ctx, box } = this;
    ctx.beginPath();
    ctx.rect(box.x0, box.y1, box.x1 - box.x0, box.y0 - box.y1);
    ctx.clip();
  }
}

/** A domain covering `values`, widened to round ticks. */
export function domainOf(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return niceDomain(lo, hi);
}
