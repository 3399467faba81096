/**
 * Measures one case: builds our side and the TensorFlow.js twins, warms them up, then alternates
 * timed runs (the order flips every round so that neither side always runs right after the other)
 * and summarises them. Each run: counters, clock, `work()` queues the run's units, counters again
 * (so the counts exclude the synchronising readback), then the readback, clock.
 */
import type { Engine } from '../src/index.js';
import { oursRepsOf, type BenchCase, type Reference, type Side } from './case.js';
import { summarize, type Summary } from './stats.js';
import type { TfjsSetup } from './tfjs/load.js';

/** Per-unit counts of one side while its work was queued (null where the side keeps none). */
export interface UnitCounts {
  dispatches: number;
  submits: number;
  readbacks: number;
  /** New GPU buffers (ours only; null for tfjs). */
  bufferCreations: number | null;
  /**
   * Ours only (absent from results saved before lazy execution): plans compiled, pipelines
   * compiled, and bytes of live memory gained, per unit, over the whole run (readback included).
   */
  plansCompiled?: number;
  pipelineCompilations?: number;
  memoryGrowth?: number;
}

/** The measurement of one side of a case. */
export interface SideResult {
  /** 'ours', 'tfjs-webgpu' or 'tfjs-wasm'. */
  name: string;
  /** Milliseconds per unit of work (wall clock). */
  ms: Summary;
  /**
   * CPU milliseconds of this process per unit of work. On a software adapter (lavapipe runs in
   * this process) it counts the kernels' work whatever else the machine runs, where the wall
   * clock also counts waiting for the neighbours; on a real GPU it is only the host's share.
   */
  cpuMs: Summary;
  /** Median per-unit counts over the timed runs; null without counters. */
  counts: UnitCounts | null;
  /** The value `finish` returned after the first warm-up run (for the agreement check). */
  firstValue: number;
  /** Set when the side failed; the other fields are then empty. */
  error?: string;
  /** Ours: the kernel variants the timed runs dispatched, as `kernel:variant` (e.tuning.used). */
  variants?: string[];
}

/** The measurement of one case. */
export interface CaseResult {
  id: string;
  group: BenchCase['group'];
  title: string;
  unit: string;
  flops: number | null;
  reps: number;
  /**
   * Units per timed run of our side (oursRepsOf: BenchCase.oursReps, or reps). Absent from results
   * saved before run 36, when both sides ran `reps`.
   */
  oursReps?: number;
  runs: number;
  warmup: number;
  /** The case's agreement tolerance (see BenchCase.tolerance). */
  tolerance: number | null;
  sides: SideResult[];
  /** Seconds the case took, set-up and warm-up included. */
  seconds: number;
  /** Tensors a side left alive after disposing everything (a leak in the case, or the library). */
  leaked: { ours: number; tfjs: number | null };
}

/** Where a side runs and how its counters are read. */
interface Runner {
  name: string;
  /** The tfjs backend to activate before each run, if any. */
  backend: Reference | null;
  side: Side;
  /** Units of work per timed run of this side. */
  reps: number;
  counters: () => UnitCounts | null;
}

/** What the runner needs besides the case. */
export interface RunEnv {
  e: Engine;
  tfjs: TfjsSetup | null;
  quick: boolean;
  /** Progress messages (stderr). */
  log: (line: string) => void;
  /** Told which side is about to be built or run (a worker reports it, so a crash names the side). */
  onSide?: (side: string) => void;
}

function ourCounters(e: Engine): () => UnitCounts {
  return () => {
    const s = e.stats();
    return {
      dispatches: s.dispatches,
      submits: s.submits,
      readbacks: s.readbacks,
      bufferCreations: s.bufferCreations,
      plansCompiled: s.plansCompiled,
      pipelineCompilations: s.pipelineCompilations,
      memoryGrowth: e.memory().bytes,
    };
  };
}

function tfjsCounters(setup: TfjsSetup, backend: Reference): () => UnitCounts | null {
  const c = backend === 'webgpu' ? setup.counters : null;
  return () => (c ? { dispatches: c.dispatches, submits: c.submits, readbacks: c.readbacks, bufferCreations: null } : null);
}

/**
 * Counts per unit: dispatches, submits and readbacks while the work was queued (`a` to `b`), the
 * rest over the whole run (`a` to `end`: a plan compiled at the readback counts).
 */
function perUnit(a: UnitCounts | null, b: UnitCounts | null, end: UnitCounts | null, reps: number): UnitCounts | null {
  if (!a || !b || !end) return null;
  const whole = (k: 'plansCompiled' | 'pipelineCompilations' | 'memoryGrowth'): number | undefined =>
    a[k] === undefined || end[k] === undefined ? undefined : (end[k]! - a[k]!) / reps;
  return {
    dispatches: (b.dispatches - a.dispatches) / reps,
    submits: (b.submits - a.submits) / reps,
    readbacks: (b.readbacks - a.readbacks) / reps,
    bufferCreations: a.bufferCreations === null || end.bufferCreations === null ? null : (end.bufferCreations - a.bufferCreations) / reps,
    plansCompiled: whole('plansCompiled'),
    pipelineCompilations: whole('pipelineCompilations'),
    memoryGrowth: whole('memoryGrowth'),
  };
}

interface Run {
  ms: number;
  cpuMs: number;
  counts: UnitCounts | null;
  value: number;
}

/** CPU milliseconds of this process so far; NaN where there is no process (a browser page). */
function cpuNow(): number {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return NaN;
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

async function runOnce(r: Runner, env: RunEnv, reps: number): Promise<Run> {
  env.onSide?.(r.name);
  if (r.backend && env.tfjs) await env.tfjs.tf.setBackend(r.backend);
  const c0 = r.counters();
  const cpu0 = cpuNow();
  const t0 = performance.now();
  const finish = r.side.work();
  const c1 = r.counters();
  const value = await finish();
  const ms = (performance.now() - t0) / reps;
  return { ms, cpuMs: (cpuNow() - cpu0) / reps, counts: perUnit(c0, c1, r.counters(), reps), value };
}

function medianCounts(runs: Run[]): UnitCounts | null {
  const counts = runs.map((r) => r.counts).filter((c): c is UnitCounts => c !== null);
  if (counts.length === 0) return null;
  const med = (f: (c: UnitCounts) => number | null | undefined): number | null => {
    const v = counts.map(f);
    if (v.some((x) => x === null || x === undefined)) return null;
    return summarize(v as number[]).median;
  };
  /** The largest of the runs: a steady loop must hold it at 0 in every run. */
  const most = (f: (c: UnitCounts) => number | undefined): number | undefined => {
    const v = counts.map(f);
    return v.some((x) => x === undefined) ? undefined : Math.max(...(v as number[]));
  };
  return {
    dispatches: med((c) => c.dispatches)!,
    submits: med((c) => c.submits)!,
    readbacks: med((c) => c.readbacks)!,
    bufferCreations: med((c) => c.bufferCreations),
    plansCompiled: most((c) => c.plansCompiled),
    pipelineCompilations: most((c) => c.pipelineCompilations),
    memoryGrowth: most((c) => (c.memoryGrowth === undefined ? undefined : Math.abs(c.memoryGrowth))),
  };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Builds the sides a case runs on: ours, then each reference backend tfjs has. */
async function buildRunners(c: BenchCase, env: RunEnv, failed: SideResult[]): Promise<Runner[]> {
  const runners: Runner[] = [];
  try {
    env.onSide?.('ours');
    runners.push({ name: 'ours', backend: null, side: await c.ours(env.e), reps: oursRepsOf(c), counters: ourCounters(env.e) });
  } catch (err) {
    failed.push(failure('ours', err));
  }
  const setup = env.tfjs;
  if (!setup) return runners;
  for (const backend of c.references ?? ['webgpu']) {
    if (!(backend === 'webgpu' ? setup.webgpu : setup.wasm)) continue;
    const name = `tfjs-${backend}`;
    try {
      env.onSide?.(name);
      await setup.tf.setBackend(backend);
      runners.push({ name, backend, side: await c.tfjs(setup.tf), reps: c.reps, counters: tfjsCounters(setup, backend) });
    } catch (err) {
      failed.push(failure(name, err));
    }
  }
  return runners;
}

function failure(name: string, err: unknown): SideResult {
  return { name, ms: summarize([NaN]), cpuMs: summarize([NaN]), counts: null, firstValue: NaN, error: message(err) };
}

/** Runs one case on every side; a side that throws is reported with its error, the others go on. */
export async function measureCase(c: BenchCase, env: RunEnv): Promise<CaseResult> {
  const t0 = performance.now();
  const runs = env.quick ? Math.max(1, Math.ceil(c.runs / 3)) : c.runs;
  const warmup = env.quick ? Math.min(c.warmup, 2) : c.warmup;
  const failed: SideResult[] = [];
  const tfTensors = (): number | null => (env.tfjs ? env.tfjs.tf.memory().numTensors : null);
  const before = { ours: env.e.memory().tensors, tfjs: tfTensors() };
  const runners = await buildRunners(c, env, failed);
  const live = new Map(runners.map((r) => [r, [] as Run[]]));
  const first = new Map<Runner, number>();
  const runAll = async (order: Runner[], timed: boolean): Promise<void> => {
    for (const r of order) {
      if (!live.has(r)) continue;
      try {
        const run = await runOnce(r, env, r.reps);
        if (!first.has(r)) first.set(r, run.value);
        if (timed) live.get(r)!.push(run);
      } catch (err) {
        failed.push(failure(r.name, err));
        live.delete(r);
      }
    }
  };
  let variants: string[] = [];
  try {
    // Kernel shapes met for the first time are timed after each warm-up run (e.tuning.settle)
    // rather than at whichever timed run's read they would fall on; a choice made after the last
    // warm-up run gets one more, so that the timed runs do not plan it again.
    for (let w = 0, extra = 0; w < warmup + extra; w++) {
      await runAll(runners, false);
      const tuned = env.e.stats().tuningRuns;
      await env.e.tuning.settle();
      if (w === warmup + extra - 1 && env.e.stats().tuningRuns > tuned && extra < 2) extra++;
    }
    env.e.tuning.used(true);
    for (let i = 0; i < runs; i++) await runAll(i % 2 === 0 ? runners : [...runners].reverse(), true);
    variants = Object.entries(env.e.tuning.used(true)).flatMap(([kernel, used]) => Object.keys(used).map((v) => `${kernel}:${v}`));
  } finally {
    for (const r of runners) {
      try {
        if (r.backend && env.tfjs) await env.tfjs.tf.setBackend(r.backend);
        r.side.dispose();
      } catch (err) {
        env.log(`${c.id}: disposing ${r.name} failed: ${message(err)}`);
      }
    }
    if (env.tfjs?.webgpu) await env.tfjs.tf.setBackend('webgpu');
    // Errors our device raised asynchronously (validation, compilation) surface here: they belong
    // to our side of this case, not to the next one.
    try {
      await env.e.flush();
    } catch (err) {
      const ours = runners.find((r) => r.name === 'ours');
      if (ours) live.delete(ours);
      if (!failed.some((f) => f.name === 'ours')) failed.push(failure('ours', err));
    }
  }
  const after = tfTensors();
  const leaked = { ours: env.e.memory().tensors - before.ours, tfjs: after === null || before.tfjs === null ? null : after - before.tfjs };
  if (leaked.ours !== 0 || (leaked.tfjs ?? 0) !== 0) env.log(`${c.id}: tensors left alive: ours ${leaked.ours}, tfjs ${leaked.tfjs ?? 'n/a'}`);
  const sides: SideResult[] = [];
  for (const [r, list] of live) {
    sides.push({
      name: r.name,
      ms: summarize(list.map((x) => x.ms)),
      cpuMs: summarize(list.map((x) => x.cpuMs)),
      counts: medianCounts(list),
      firstValue: first.get(r) ?? NaN,
      ...(r.name === 'ours' ? { variants } : {}),
    });
  }
  sides.push(...failed);
  sides.sort((a, b) => order(a.name) - order(b.name));
  return {
    ...caseHeader(c),
    runs,
    warmup,
    sides,
    seconds: (performance.now() - t0) / 1000,
    leaked,
  };
}

/** The fields of a case result that come from the case itself. */
export function caseHeader(c: BenchCase): Pick<CaseResult, 'id' | 'group' | 'title' | 'unit' | 'flops' | 'reps' | 'oursReps' | 'tolerance'> {
  return { id: c.id, group: c.group, title: c.title, unit: c.unit, flops: c.flops ?? null, reps: c.reps, oursReps: oursRepsOf(c), tolerance: c.tolerance };
}

function order(name: string): number {
  return ['ours', 'tfjs-webgpu', 'tfjs-wasm'].indexOf(name);
}
