/**
 * The targets, judged from the measured numbers of this run (same adapter, same process): each is
 * met, not met, or not run (its case was filtered out or a side failed). Kernels and captured
 * steps from issue 6; eager workloads (lazy execution) from issue 14.
 */
import { comparisonOf, comparisons, side, type Comparison } from './compare.js';
import { layout } from './table.js';
import type { CaseResult } from './runner.js';

/** One target and how this run did. */
export interface TargetResult {
  target: string;
  /** What was measured, in words and numbers. */
  measured: string;
  status: 'met' | 'not met' | 'not run';
}

const x = (v: number): string => `${v.toFixed(2)}x`;
/** "2.10x (cpu 2.40x)": the wall-clock ratio the target is judged on, and the CPU-time ratio. */
const both = (c: Comparison): string => `${x(c.speedup!)}${c.cpuSpeedup !== null && Number.isFinite(c.cpuSpeedup) ? ` (cpu ${x(c.cpuSpeedup)})` : ''}`;

/**
 * A speedup target over the cases named in `ids` (an id ending in '*' names every case starting
 * with what precedes it); all must meet it.
 */
function speedupTarget(results: readonly CaseResult[], target: string, ids: string[], min: number, reference = 'tfjs-webgpu'): TargetResult {
  const wanted = (id: string): boolean => ids.some((w) => (w.endsWith('*') ? id.startsWith(w.slice(0, -1)) : id === w));
  const cases = results.filter((c) => wanted(c.id));
  const measured = cases.map((c) => ({ id: c.id, c: comparisonOf(results, c.id, reference) }));
  if (measured.length === 0 || measured.some((m) => m.c === null)) {
    return { target, measured: measured.length === 0 ? 'case not run' : 'a side failed or did not run', status: 'not run' };
  }
  const worst = measured.reduce((a, b) => (b.c!.speedup! < a.c!.speedup! ? b : a));
  const text = measured.length === 1 ? both(worst.c!) : `min ${x(worst.c!.speedup!)}; ${measured.map((m) => `${m.id} ${both(m.c!)}`).join(', ')}`;
  return { target, measured: text, status: worst.c!.speedup! >= min ? 'met' : 'not met' };
}

function adamTarget(results: readonly CaseResult[]): TargetResult {
  const target = 'Adam over 12.9M parameters: one dispatch, >= 3x';
  const c = results.find((r) => r.id === 'adam-12.9m');
  const ours = c && side(c, 'ours');
  const comp = c ? comparisons(c).find((k) => k.reference === 'tfjs-webgpu') : undefined;
  if (!ours?.counts || !comp || comp.speedup === null) return { target, measured: 'case not run or a side failed', status: 'not run' };
  const d = ours.counts.dispatches;
  return { target, measured: `${d} dispatch(es), ${both(comp)}`, status: d === 1 && comp.speedup >= 3 ? 'met' : 'not met' };
}

function steadyStepTarget(results: readonly CaseResult[]): TargetResult {
  const target = 'steady training step (MNIST): 0 new buffers, <= 1 submit, 0 readbacks';
  const c = results.find((r) => r.id === 'mnist-train-step');
  const counts = c && side(c, 'ours')?.counts;
  if (!counts) return { target, measured: 'case not run', status: 'not run' };
  const { bufferCreations: b, submits: s, readbacks: r } = counts;
  const met = b === 0 && s <= 1 && r === 0;
  return { target, measured: `${b} new buffers, ${s} submits, ${r} readbacks per step`, status: met ? 'met' : 'not met' };
}

/** Each eager case against its captured twin (the id without '-eager'): ours within `factor` of it. */
function eagerNearCaptured(results: readonly CaseResult[], factor: number): TargetResult {
  const target = `each eager workload within ${factor}x of its captured twin`;
  const pairs = results
    .filter((c) => c.id.endsWith('-eager'))
    .map((c) => ({ id: c.id, eager: side(c, 'ours'), captured: side(results.find((r) => r.id === c.id.slice(0, -'-eager'.length)) ?? c, 'ours') }))
    .filter((p) => p.eager && p.captured && p.captured !== p.eager);
  if (pairs.length === 0) return { target, measured: 'no eager case with its captured twin was run', status: 'not run' };
  const ratios = pairs.map((p) => ({ id: p.id, r: p.eager!.ms.median / p.captured!.ms.median }));
  const worst = ratios.reduce((a, b) => (b.r > a.r ? b : a));
  return { target, measured: ratios.map((x) => `${x.id} ${x.r.toFixed(2)}x`).join(', '), status: worst.r <= factor ? 'met' : 'not met' };
}

/**
 * Steady eager loops: after the warm-up, no plan and no pipeline compiled and no GPU buffer made
 * in any timed run of an eager case, and no live memory gained (the 10,000-step loop included).
 */
function steadyEagerTarget(results: readonly CaseResult[]): TargetResult {
  const target = 'steady eager loops: 0 plans, 0 pipelines, 0 new buffers per iteration; memory flat over 10,000 steps';
  const eager = results.filter((c) => c.id.includes('-eager'));
  const measured = eager.map((c) => ({ id: c.id, counts: side(c, 'ours')?.counts }));
  if (measured.length === 0 || measured.some((m) => !m.counts || m.counts.plansCompiled === undefined)) {
    return { target, measured: measured.length === 0 ? 'no eager case run' : 'an eager side failed or kept no counts', status: 'not run' };
  }
  const bad = measured.filter((m) => m.counts!.plansCompiled! > 0 || m.counts!.pipelineCompilations! > 0 || (m.counts!.bufferCreations ?? 0) > 0 || m.counts!.memoryGrowth! > 0);
  const long = measured.some((m) => m.id === 'linreg-rmsprop-eager-10k');
  const text = bad.length === 0 ? `all ${measured.length} eager cases steady${long ? ', the 10,000-step loop included' : ' (10,000-step loop not run)'}` : bad.map((m) => `${m.id}: ${m.counts!.plansCompiled} plans, ${m.counts!.pipelineCompilations} pipelines, ${m.counts!.bufferCreations} buffers, ${m.counts!.memoryGrowth} bytes per step`).join('; ');
  return { target, measured: text, status: bad.length === 0 && long ? 'met' : bad.length > 0 ? 'not met' : 'not run' };
}

/** Every target, in the issues' order. */
export function evaluateTargets(results: readonly CaseResult[]): TargetResult[] {
  return [
    speedupTarget(results, 'matmul 1024 >= 3x', ['matmul-1024'], 3),
    speedupTarget(results, 'conv2d forward >= 3x (every shape)', ['conv-fwd-*'], 3),
    speedupTarget(results, 'conv2d backprop input >= 5x (every shape)', ['conv-bwd-input-*'], 5),
    speedupTarget(results, 'conv2d backprop filter >= 5x (every shape)', ['conv-bwd-filter-*'], 5),
    speedupTarget(results, 'attack iteration (article CNN) >= 4x', ['attack-article'], 4),
    speedupTarget(results, 'MNIST training step >= 4x', ['mnist-train-step'], 4),
    speedupTarget(results, 'force-loss step (20x2 and 20x32) >= 50x', ['spread-force-20x2', 'spread-force-20x32'], 50),
    speedupTarget(results, 'min-angle step (20x2 and 20x32) >= 5x', ['spread-minangle-20x2', 'spread-minangle-20x32'], 5),
    speedupTarget(results, 'linear-regression step >= 10x', ['linreg-rmsprop'], 10),
    adamTarget(results),
    steadyStepTarget(results),
    speedupTarget(results, 'stretch: attack iteration beats tfjs WASM (> 1x)', ['attack-article'], 1.0000001, 'tfjs-wasm'),
    speedupTarget(results, 'eager force-loss step (20x2 and 20x32) >= 20x', ['spread-force-20x2-eager', 'spread-force-20x32-eager'], 20),
    speedupTarget(results, 'eager min-angle-variance step (20x32) >= 5x', ['spread-minangle-20x32-eager'], 5),
    speedupTarget(results, 'eager linear regression, 25 RMSprop steps >= 10x', ['linreg-rmsprop-eager'], 10),
    speedupTarget(results, 'eager attack iteration (MNIST and article CNN) >= 4x', ['attack-mnist-eager', 'attack-article-eager'], 4),
    speedupTarget(results, 'eager MNIST training step >= 4x', ['mnist-train-step-eager'], 4),
    eagerNearCaptured(results, 2),
    steadyEagerTarget(results),
  ];
}

/** The targets as a table. */
export function formatTargets(targets: readonly TargetResult[]): string {
  return layout(
    ['target', 'status', 'measured'],
    targets.map((t) => [t.target, t.status, t.measured]),
    [false, false, false],
  );
}
