/**
 * Progress reports on stderr, so that stdout keeps only results (and `--json` keeps it to one
 * JSON document). On a terminal a bar is redrawn in place; in a log (no TTY) plain lines are
 * printed at the start, at each quarter and at the end, so CI logs stay short and readable.
 */

/** Where progress goes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `ProgressBar`. */
export interface ProgressOptions {
  stream?: ProgressStream;
  /** Force the terminal or the plain-line style (default: the stream's isTTY). */
  tty?: boolean;
  /** Redraws per second at most on a terminal (default 10). */
  fps?: number;
  /** Without a terminal: milliseconds between progress lines of a long task (default 10 s). */
  logEveryMs?: number;
}

/** One task's progress: `update(done)` as work goes, `finish()` (or `fail()`) once. */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly minInterval: number;
  private readonly logEveryMs: number;
  private readonly t0 = performance.now();
  private done = 0;
  private note = '';
  private lastDraw = -Infinity;
  private ended = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Starts a task of `total` units (0: unknown, shown as elapsed time only). */
  constructor(
    private readonly label: string,
    private readonly total: number,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.minInterval = 1000 / (options.fps ?? 10);
    this.logEveryMs = options.logEveryMs ?? 10_000;
    if (this.tty) {
      this.draw();
      // Keep the clock moving while the GPU works and nothing calls update().
      this.timer = setInterval(() => this.draw(), 250);
    } else {
      // A log gets a line now and then for long tasks, and the result line at the end.
      this.lastDraw = performance.now();
      this.timer = setInterval(() => this.logLine(), this.logEveryMs);
    }
    this.timer.unref?.();
  }

  /** Seconds since the task started. */
  get seconds(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Sets the units done (and optionally a short note such as the current loss). */
  update(done: number, note?: string): void {
    if (this.ended) return;
    this.done = Math.min(done, this.total || done);
    if (note !== undefined) this.note = note;
    const since = performance.now() - this.lastDraw;
    // Synchronous loops starve the timer: update() draws (or logs) too.
    if (this.tty && since >= this.minInterval) this.draw();
    else if (!this.tty && since >= this.logEveryMs) this.logLine();
  }

  /** Changes the note without counting work (e.g. 'waiting for the GPU'). */
  setNote(note: string): void {
    this.note = note;
    if (this.tty) this.draw();
  }

  /** Ends the task; `summary` replaces the note on the last line. */
  finish(summary = ''): void {
    this.end(`done in ${this.seconds.toFixed(1)} s${summary ? `: ${summary}` : ''}`);
  }

  /** Ends the task as failed. */
  fail(reason: string): void {
    this.end(`FAILED after ${this.seconds.toFixed(1)} s: ${reason}`);
  }

  private end(text: string): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    if (this.tty) this.stream.write(`\r\x1b[2K${this.label}: ${text}\n`);
    else this.stream.write(`${this.label}: ${text}\n`);
  }

  private logLine(): void {
    this.lastDraw = performance.now();
    const count = this.total > 0 ? ` ${this.done}/${this.total}` : '';
    this.stream.write(`${this.label}:${count} (${this.seconds.toFixed(0)} s)${this.note ? `  ${this.note}` : ''}\n`);
  }

  private draw(): void {
    this.lastDraw = performance.now();
    const width = Math.max(40, Math.min(this.stream.columns || 80, 120));
    const time = `${this.seconds.toFixed(1)} s`;
    let line: string;
    if (this.total > 0) {
      const counter = `${this.done}/${this.total}`;
      const barWidth = Math.max(10, Math.min(30, width - this.label.length - counter.length - time.length - 12));
      const filled = Math.round((barWidth * this.done) / this.total);
      line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${counter} ${time}`;
    } else {
      line = `${this.label} … ${time}`;
    }
    if (this.note) line += `  ${this.note}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  }
}

/**
 * Runs `work` under a bar of `total` units labelled `label`; `work` gets the bar to update. The
 * bar is finished with `summary(result)` or failed with the error, which is re-thrown.
 */
export async function withProgress<T>(
  label: string,
  total: number,
  work: (bar: ProgressBar) => Promise<T>,
  summary: (result: T) => string = () => '',
  options: ProgressOptions = {},
): Promise<T> {
  const bar = new ProgressBar(label, total, options);
  try {
    const result = await work(bar);
    bar.finish(summary(result));
    return result;
  } catch (err) {
    bar.fail(err instanceof Error ? err.message.split('\n')[0]! : String(err));
    throw err;
  }
}
