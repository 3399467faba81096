// Output helpers of the command line: the table, numbers, progress bars on a terminal and in logs.
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/context.js';
import { num, percent, sampleHistory, table } from '../../src/cli/format.js';
import { ProgressBar, withProgress, type ProgressStream } from '../../src/cli/progress.js';

/** A stream that keeps what is written. */
function sink(isTTY: boolean): ProgressStream & { text: string } {
  const s = { text: '', isTTY, columns: 100, write: (t: string) => (s.text += t) };
  return s;
}

describe('format', () => {
  it('pads table columns and aligns numbers right', () => {
    const t = table(['run', 'loss'], [['adam', '1.5'], ['rmsprop', '12.25']], ['left', 'right']);
    expect(t.split('\n')).toEqual(['run       loss', '-------  -----', 'adam       1.5', 'rmsprop  12.25']);
  });

  it('prints numbers with significant digits and no float noise', () => {
    expect(num(0.30000000000000004)).toBe('0.3');
    expect(num(112.45301823)).toBe('112.5');
    expect(num(-212.548, 5)).toBe('-212.55');
    expect(num(1e-7)).toBe('1e-7');
    expect(num(2.0000004e-5)).toBe('2e-5');
    expect(num(-1.23456e-7)).toBe('-1.235e-7');
    expect(num(NaN)).toBe('NaN');
    expect(percent(0.9734)).toBe('97.3%');
  });

  it('samples a long history: first, last and evenly between', () => {
    expect(sampleHistory([5, 4, 3]).map((s) => s.step)).toEqual([1, 2, 3]);
    expect(sampleHistory(Array.from({ length: 25 }, (_, i) => i), 5).map((s) => s.step)).toEqual([1, 7, 13, 19, 25]);
  });
});

describe('progress', () => {
  it('redraws one line on a terminal and ends it with the summary', () => {
    const s = sink(true);
    const bar = new ProgressBar('fit', 4, { stream: s, fps: 1e9 });
    bar.update(2);
    bar.finish('loss 1.5');
    expect(s.text).toContain('\r\x1b[2Kfit [');
    expect(s.text).toMatch(/fit \[#+-+\] 2\/4/);
    expect(s.text).toMatch(/\r\x1b\[2Kfit: done in \d+\.\d s: loss 1\.5\n$/);
  });

  it('writes plain lines without a terminal: the result, and progress only for long tasks', () => {
    const s = sink(false);
    const bar = new ProgressBar('fit', 1000, { stream: s, logEveryMs: 0 });
    bar.update(500, 'halfway');
    bar.finish();
    expect(s.text).not.toContain('\r');
    expect(s.text).toMatch(/^fit: 500\/1000 \(\d+ s\) {2}halfway\nfit: done in \d+\.\d s\n$/);
    const quiet = sink(false);
    const short = new ProgressBar('fit', 10, { stream: quiet });
    for (let i = 1; i <= 10; i++) short.update(i);
    short.finish();
    expect(quiet.text.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('withProgress marks a failure and rethrows it', async () => {
    const s = sink(false);
    await expect(withProgress('work', 3, async () => Promise.reject(new Error('boom\nmore')), undefined, { stream: s })).rejects.toThrow('boom');
    expect(s.text).toMatch(/work: FAILED after \d+\.\d s: boom\n$/);
  });
});

describe('output', () => {
  it('keeps stdout for the result in JSON mode; NaN becomes null', () => {
    const stdout = sink(false);
    const stderr = sink(false);
    const out = new Output(true, { stdout, stderr });
    out.info('adapter: x');
    out.result({ loss: 1.5, bad: NaN });
    expect(stdout.text).toBe('{"loss":1.5,"bad":null}\n');
    expect(stderr.text).toBe('adapter: x\n');
    const human = new Output(false, { stdout, stderr });
    human.info('hello');
    expect(stdout.text.endsWith('hello\n')).toBe(true);
  });
});
