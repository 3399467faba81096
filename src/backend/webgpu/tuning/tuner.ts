/**
 * Run-time autotuning (DESIGN.md, "Kernels and variants"). Each dispatch of a kernel with
 * variants asks `choose`: a forced variant, else the table's choice for its key (kernel id, shape
 * class; the table is per adapter), else the heuristic (the default, lavapipe-tuned variant on
 * software adapters; the variant's gpuHeuristic on others). A key met for the first time in mode
 * 'on' is queued with the dispatch's parameters and buffer sizes; `runQueued` (the backend calls
 * it after the wait of a read or flush, when the queue is idle) times the eligible variants on
 * fresh buffers within a per-key budget and keeps the fastest. A challenger must beat the
 * heuristic by a margin: timings on a busy machine wobble, and a change costs a re-plan. On
 * software adapters only the default and its rivals there (`Variant.software`) are timed, and
 * only for kernels that take long enough for a choice to matter.
 */
import type { BackendStats } from '../../backend.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import { paramsRefresh } from '../../../compile/dynamic_params.js';
import type { GpuBuffer } from '../device/buffer_pool.js';
import { bindGroupEntries } from '../device/bind_groups.js';
import { moduleCode, packUniforms, type CompiledKernel, type PipelineCache } from '../device/pipelines.js';
import { gpuKernels } from '../dispatch/index.js';
import { subgroupsUsable } from '../dispatch/matmul.js';
import { shaderOf, type GpuKernel } from '../dispatch/kernel_spec.js';
import type { AutotuneMode, Tuning } from './control.js';
import { tunableKernels } from './registry.js';
import type { TuningStore } from './store.js';
import { emptyTable, mergeTables, parseTable, type TuningEntry, type TuningTable } from './table.js';
import { passTimer, type GpuWait, type PassTimer } from './timing.js';
import { sameValue } from '../graph/signature.js';
import type { DeviceCaps, TunableKernel, Variant } from './variants.js';

/** Dispatches per kernel id and variant (e.tuning.used). */
export type VariantUsage = Record<string, Record<string, number>>;

/** The dispatches of `now` that `before` does not count. */
export function usageSince(now: VariantUsage, before: VariantUsage): VariantUsage {
  const out: VariantUsage = {};
  for (const [kernel, variants] of Object.entries(now)) {
    for (const [name, n] of Object.entries(variants)) {
      const added = n - (before[kernel]?.[name] ?? 0);
      if (added > 0) (out[kernel] ??= {})[name] = added;
    }
  }
  return out;
}

/** What the tuner needs of its backend. */
export interface TunerHost {
  device: GPUDevice;
  caps: DeviceCaps;
  /** adapterKey(info) of the adapter (table.ts). */
  adapter: string;
  pipelines: PipelineCache;
  counters: BackendStats;
  wait: GpuWait;
  /** A choice changed: compiled plans and captured steps must choose again. */
  changed(): void;
}

/** How the tuner works: mode, store and budgets. */
export interface TunerOptions {
  mode: AutotuneMode;
  store: TuningStore;
  /** Most milliseconds spent timing one key (default 100; a compilation that runs over it finishes). */
  keyBudgetMs?: number;
  /** Most milliseconds spent timing at one read or flush; keys left over wait for the next (default 500). */
  roundBudgetMs?: number;
  /**
   * Software adapters: 'rivals' (the default) times the lavapipe-tuned default against the
   * variants marked as its rivals there (`Variant.software`), for kernels of at least
   * `softwareTrivialMs`, each rival timed at least once whatever the budget; 'default' times
   * nothing and keeps the default; 'all' times every eligible variant, as on hardware (tests). The
   * other GPU variants use workgroup memory and barriers, which run slowly on a CPU, and compiling
   * each of them (LLVM) would cost more than it could save.
   */
  softwareCandidates?: 'default' | 'rivals' | 'all';
}

/** A key waiting to be timed: the first parameters and buffer sizes seen for it. */
interface Job {
  key: string;
  kernel: KernelId;
  params: object;
  sizes: number[];
}

/** A variant set up for timing: its pipeline, bind group and grid. */
interface Runnable {
  name: string;
  encode(pass: GPUComputePassEncoder, reps: number): void;
  times: number[];
}

/** A challenger must be this much faster than the heuristic to replace it. */
const margin = 0.1;
/** A timed pass lasts about this long at least (browsers quantise timestamps to 0.1 ms). */
const minPassMs = 1;
/** Rounds of timings per key after the first, budget permitting. */
const maxRounds = 4;
/** Milliseconds per dispatch under which the heuristic's kernel is not worth timing others against. */
const trivialMs = 0.01;
/**
 * The same on software adapters timing the default's rivals: there a rival's compilation (LLVM)
 * costs tens to hundreds of ms, and a short kernel's time is mostly the driver's cost per
 * dispatch, which no variant changes.
 */
const softwareTrivialMs = 0.5;
/**
 * Timing the default's rivals on a software adapter, a key's budget is at least this many passes
 * of the default's kernel: there a big product or convolution takes tens to hundreds of ms a
 * dispatch, far past the budget meant for GPUs.
 */
const budgetPasses = 24;
/**
 * Timing the default's rivals on a software adapter, a timed pass lasts about this long at least:
 * there the time of one dispatch of a few ms wobbles by tens of percent from pass to pass.
 */
const softwarePassMs = 30;
/** Rounds after the first timings on a software adapter: its bursts of load last longer than a pass. */
const softwareRounds = 8;

/** Dispatches per timed pass for a kernel of `ms`: a pass of about `passMs`, 1 to 64. */
const repsFor = (ms: number, passMs = minPassMs): number => Math.max(1, Math.min(64, Math.ceil(passMs / Math.max(ms, 1e-3))));

/** tunableKernels as a map: `choose` runs for every dispatch, and most kernel ids have no entry. */
const tunableById = new Map(Object.entries(tunableKernels) as [KernelId, TunableKernel<never>][]);

const now = (): number => performance.now();
const best = (xs: readonly number[]): number => Math.min(...xs);

/**
 * A stored table without its untimed entries that name their kernel's default: what earlier
 * versions wrote for keys they did not time (every key on a software adapter), which would
 * otherwise keep those keys from being timed now. Untimed entries naming another variant are
 * choices someone imported, and stay.
 */
function withoutUntimedDefaults(table: TuningTable): TuningTable {
  const adapters: TuningTable['adapters'] = {};
  for (const [adapter, keys] of Object.entries(table.adapters)) {
    const kept: Record<string, TuningEntry> = {};
    for (const [key, entry] of Object.entries(keys)) {
      const kernel = key.slice(0, key.indexOf('|')) as KernelId;
      const untimedDefault = Object.keys(entry.ms).length === 0 && tunableById.get(kernel)?.variants[0]!.name === entry.variant;
      if (!untimedDefault) kept[key] = entry;
    }
    adapters[adapter] = kept;
  }
  return { ...table, adapters };
}

/** An engine's tuner; its public face is `e.tuning` (control.ts). */
export class Tuner implements Tuning {
  readonly mode: AutotuneMode;
  private readonly storeImpl: TuningStore;
  private readonly keyBudgetMs: number;
  private readonly roundBudgetMs: number;
  private readonly softwareCandidates: 'default' | 'rivals' | 'all';
  /** This adapter's choices. */
  private readonly entries = new Map<string, TuningEntry>();
  /** Other adapters' choices (from the store or imports): kept for export and saves. */
  private others: TuningTable = emptyTable();
  private readonly queue = new Map<string, Job>();
  /** Keys tuned or failed this session: never queued again. */
  private readonly settledKeys = new Set<string>();
  /** Keys whose entry was checked this session for rivals it lacks (missesRival). */
  private readonly rechecked = new Set<string>();
  private readonly forced = new Map<string, string>();
  /**
   * Per kernel, the last params `choose` saw and the variant it chose: an eager step asks again
   * and again with equal params (its sums of one shape). Cleared whenever what a choice depends
   * on changes (entries, the queue, settled keys, forced variants).
   */
  private readonly lastChoice = new Map<KernelId, { params: object; name: string }>();
  private usage: VariantUsage = {};
  private running: Promise<void> | null = null;
  private unsaved = false;
  private saving: Promise<void> = Promise.resolve();
  private timer: PassTimer | null = null;
  private destroyed = false;
  /** Resolves once the persisted table is loaded (createEngine waits for it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly host: TunerHost,
    options: TunerOptions,
  ) {
    this.mode = options.mode;
    this.storeImpl = options.store;
    this.keyBudgetMs = options.keyBudgetMs ?? 100;
    this.roundBudgetMs = options.roundBudgetMs ?? 500;
    this.softwareCandidates = options.softwareCandidates ?? 'rivals';
    this.ready = this.mode === 'off' ? Promise.resolve() : this.load();
  }

  get store(): string {
    return this.storeImpl.where;
  }

  private async load(): Promise<void> {
    try {
      this.absorb(withoutUntimedDefaults(await this.storeImpl.load()));
    } catch {
      // An unreadable store: tune afresh; the next save replaces it.
    }
  }

  /** Takes a table's entries: this adapter's into `entries`, the rest into `others`. */
  private absorb(table: TuningTable): boolean {
    let changed = false;
    for (const [adapter, keys] of Object.entries(table.adapters)) {
      if (adapter !== this.host.adapter) {
        this.others = mergeTables(this.others, { ...emptyTable(), adapters: { [adapter]: keys } });
        continue;
      }
      for (const [key, entry] of Object.entries(keys)) {
        if (this.entries.get(key)?.variant !== entry.variant) changed = true;
        this.entries.set(key, entry);
        this.settledKeys.add(key);
        this.queue.delete(key);
        this.lastChoice.clear();
      }
    }
    return changed;
  }

  // ---- choosing --------------------------------------------------------------------------

  /** The variant that runs while `key` is untuned: the default on software adapters. */
  private heuristic(tk: TunableKernel<never>, p: never): string {
    const fallback = tk.variants[0]!.name;
    if (this.host.caps.software) return fallback;
    const name = tk.gpuHeuristic(p, this.host.caps);
    const v = tk.variants.find((x) => x.name === name);
    return v && v.eligible(p, this.host.caps) ? name : fallback;
  }

  /**
   * Whether a timed entry lacks a rival of the default that could run these parameters: on a
   * software adapter timing rivals, an entry with timings (untimed ones are imported choices) that
   * is not a default too short to time against (softwareTrivialMs) and misses an eligible rival.
   */
  private missesRival(tk: TunableKernel<never>, entry: TuningEntry, p: never): boolean {
    if (!this.host.caps.software || this.softwareCandidates !== 'rivals') return false;
    const timed = Object.keys(entry.ms);
    const fallback = tk.variants[0]!.name;
    if (timed.length === 0 || (timed.length === 1 && timed[0] === fallback && entry.ms[fallback]! < softwareTrivialMs)) return false;
    return this.candidates(tk).some((v) => !(v.name in entry.ms) && v.eligible(p, this.host.caps));
  }

  private eligibleNamed(tk: TunableKernel<never>, name: string, p: never): boolean {
    const v = tk.variants.find((x) => x.name === name);
    return v !== undefined && v.eligible(p, this.host.caps);
  }

  /**
   * The parameters a dispatch of `kernel` runs with: `params` itself for the default variant (and
   * for kernels without variants), else a copy naming the chosen variant.
   */
  choose<P extends object>(kernel: KernelId, params: P, inputs: readonly GpuBuffer[], outputs: readonly GpuBuffer[]): P {
    const tk = tunableById.get(kernel);
    // Parameters re-evaluated per replay (compile/dynamic_params.ts) keep their identity.
    if (!tk || paramsRefresh(params) !== undefined) return params;
    let name: string;
    const last = this.lastChoice.get(kernel);
    if (last !== undefined && sameValue(params, last.params)) name = last.name;
    else {
      name = this.chooseAfresh(kernel, tk, params, inputs, outputs);
      this.lastChoice.set(kernel, { params, name });
    }
    const counts = (this.usage[kernel] ??= {});
    counts[name] = (counts[name] ?? 0) + 1;
    return name === tk.variants[0]!.name ? params : { ...params, variant: name };
  }

  /** `choose`'s decision without its memo; queues the shape for timing where that is due. */
  private chooseAfresh(kernel: KernelId, tk: TunableKernel<never>, params: object, inputs: readonly GpuBuffer[], outputs: readonly GpuBuffer[]): string {
    const p = params as never;
    let name: string;
    const forced = this.forced.get(kernel);
    if (forced !== undefined && this.eligibleNamed(tk, forced, p)) name = forced;
    else if (this.mode === 'off') name = this.heuristic(tk, p);
    else {
      const key = `${kernel}|${tk.shapeClass(p)}`;
      const entry = this.entries.get(key);
      if (entry && this.eligibleNamed(tk, entry.variant, p)) {
        name = entry.variant;
        // Timed before one of today's rivals existed (a table from an earlier version): timed
        // again, once a session, its choice running meanwhile. Checked once a session per key:
        // an eager step asks for its keys thousands of times.
        if (this.mode === 'on' && !this.rechecked.has(key)) {
          this.rechecked.add(key);
          if (!this.queue.has(key) && this.missesRival(tk, entry, p)) {
            this.queue.set(key, { key, kernel, params: { ...params }, sizes: [...inputs, ...outputs].map((b) => b.numel) });
          }
        }
      } else {
        name = this.heuristic(tk, p);
        if (this.mode === 'on' && !entry && !this.settledKeys.has(key) && !this.queue.has(key)) {
          this.queue.set(key, { key, kernel, params: { ...params }, sizes: [...inputs, ...outputs].map((b) => b.numel) });
        }
      }
    }
    return name;
  }

  // ---- the public face (e.tuning) -------------------------------------------------------

  export(): TuningTable {
    const mine: Record<string, TuningEntry> = {};
    for (const [key, entry] of this.entries) mine[key] = { variant: entry.variant, ms: { ...entry.ms } };
    return mergeTables(this.others, { ...emptyTable(), adapters: this.entries.size > 0 ? { [this.host.adapter]: mine } : {} });
  }

  import(table: TuningTable | string): void {
    const parsed = parseTable(table, 'tuning.import');
    if (this.absorb(parsed)) this.host.changed();
    this.unsaved = true;
    if (this.mode !== 'off') this.saving = this.saving.then(() => this.save());
  }

  force(kernel: string, variant: string | null): void {
    const tk = tunableKernels[kernel as KernelId];
    if (!tk) throw new Error(`tuning.force: kernel '${kernel}' has no variants (kernels with variants: ${Object.keys(tunableKernels).join(', ')})`);
    if (variant !== null && !tk.variants.some((v) => v.name === variant)) {
      throw new Error(`tuning.force: '${kernel}' has no variant '${variant}' (its variants: ${tk.variants.map((v) => v.name).join(', ')})`);
    }
    if ((this.forced.get(kernel) ?? null) === variant) return;
    if (variant === null) this.forced.delete(kernel);
    else this.forced.set(kernel, variant);
    this.lastChoice.clear();
    this.host.changed();
  }

  get subgroups(): boolean {
    return subgroupsUsable(this.host.caps);
  }

  variants(kernel: string): string[] {
    return tunableKernels[kernel as KernelId]?.variants.map((v) => v.name) ?? [];
  }

  used(reset = false): VariantUsage {
    const out = this.usage;
    if (reset) this.usage = {};
    return reset ? out : usageSince(out, {});
  }

  /** Adds dispatches to the usage counts (a replayed capture's, which do not pass through choose). */
  count(usage: VariantUsage): void {
    for (const [kernel, variants] of Object.entries(usage)) {
      const counts = (this.usage[kernel] ??= {});
      for (const [name, n] of Object.entries(variants)) counts[name] = (counts[name] ?? 0) + n;
    }
  }

  async settle(): Promise<void> {
    await this.ready;
    await this.runQueued(Infinity);
    await this.saving;
  }

  /** Keys waiting to be timed. */
  get queued(): number {
    return this.queue.size;
  }

  // ---- timing ------------------------------------------------------------------------------

  /**
   * Times queued keys, one after the other, until the queue is empty or `limitMs` has passed
   * (default: the round budget), then saves the table in the background.
   */
  runQueued(limitMs = this.roundBudgetMs): Promise<void> {
    if (this.mode !== 'on' || this.queue.size === 0 || this.destroyed) return this.running ?? Promise.resolve();
    // One run at a time: a second caller waits for the first.
    this.running ??= this.runJobs(limitMs).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runJobs(limitMs: number): Promise<void> {
    const start = now();
    let changed = false;
    while (this.queue.size > 0 && now() - start < limitMs && !this.destroyed) {
      const job = this.queue.values().next().value!;
      this.queue.delete(job.key);
      this.settledKeys.add(job.key);
      this.lastChoice.clear();
      const tk = tunableKernels[job.kernel]!;
      const incumbent = this.heuristic(tk, job.params as never);
      let entry: TuningEntry;
      try {
        entry = await this.tune(job, tk, incumbent);
      } catch {
        // The device went away, or a variant could not run: the heuristic stays, untimed.
        if (this.destroyed) return;
        continue;
      }
      if (Object.keys(entry.ms).length > 1) this.host.counters.tuningRuns++;
      // Nothing timed (one candidate): the key is settled for this session, not written down, so
      // that an engine with more candidates (another version, other options) times it later.
      if (Object.keys(entry.ms).length === 0) continue;
      this.entries.set(job.key, entry);
      this.lastChoice.clear();
      this.unsaved = true;
      if (entry.variant !== incumbent) changed = true;
    }
    if (changed) this.host.changed();
    if (this.unsaved) this.saving = this.saving.then(() => this.save());
  }

  private async save(): Promise<void> {
    if (!this.unsaved) return;
    this.unsaved = false;
    try {
      await this.storeImpl.save(this.export());
    } catch {
      // A read-only cache directory, a private browsing window: the table lives for this session.
    }
  }

  /** Times the eligible variants of one key and returns the choice. */
  private async tune(job: Job, tk: TunableKernel<never>, incumbent: string): Promise<TuningEntry> {
    const p = job.params as never;
    const candidates = this.candidates(tk).filter((v) => v.eligible(p, this.host.caps));
    candidates.sort((a, b) => Number(b.name === incumbent) - Number(a.name === incumbent));
    if (candidates.length < 2) return { variant: incumbent, ms: {} };
    // A rival on a software adapter is timed at least once, past the budget (there are few; the
    // budget is for the GPU case of many variants), and the rounds after get budgetPasses.
    const everyRival = this.host.caps.software && this.softwareCandidates === 'rivals';
    const passMs = everyRival ? softwarePassMs : minPassMs;
    const device = this.host.device;
    let deadline = now() + this.keyBudgetMs;
    const timer = (this.timer ??= passTimer(device, this.host.wait));
    const made: GPUBuffer[] = [];
    const buffers: GpuBuffer[] = job.sizes.map((numel) => {
      const gpu = device.createBuffer({ size: Math.max(numel, 1) * 4, usage: GPUBufferUsage.STORAGE });
      made.push(gpu);
      return { numel, gpu, uid: 0, byteOffset: 0, isView: false };
    });
    try {
      const runs: Runnable[] = [];
      for (const v of candidates) {
        if (runs.length > 0 && now() > deadline && !everyRival) break;
        const run = await this.prepare(job.kernel, tk, v, p, buffers, made, v.name === incumbent);
        if (!run) continue;
        runs.push(run);
        // The first pass pays for whatever the driver does on first use: a variant already 4x
        // slower than the best there is out of the race; the others are timed in passes of
        // about minPassMs.
        const first = await timer.time((pass) => run.encode(pass, 1));
        if (v.name === incumbent && everyRival) deadline = Math.max(deadline, now() + budgetPasses * first);
        const fastest = runs.length > 1 ? best(runs.slice(0, -1).map((r) => best(r.times))) : Infinity;
        if (first > 4 * fastest) {
          run.times.push(first);
          continue;
        }
        const reps = repsFor(first, passMs);
        run.times.push((await timer.time((pass) => run.encode(pass, reps))) / reps);
        // A kernel this short is not worth a choice: the heuristic stays.
        if (v.name === incumbent && run.times[0]! < (everyRival ? softwareTrivialMs : trivialMs)) return { variant: incumbent, ms: { [incumbent]: run.times[0]! } };
      }
      for (let round = 0; round < (everyRival ? softwareRounds : maxRounds) && now() < deadline; round++) {
        const fastest = best(runs.map((r) => best(r.times)));
        for (const r of runs) {
          // Twice as slow as the best: out of the race (the heuristic stays in it: a change must
          // beat its best time, not one unlucky pass).
          if ((r.name !== incumbent && best(r.times) > 2 * fastest) || now() > deadline) continue;
          const reps = repsFor(best(r.times), passMs);
          r.times.push((await timer.time((pass) => r.encode(pass, reps))) / reps);
        }
      }
      const ms: Record<string, number> = {};
      for (const r of runs) ms[r.name] = best(r.times);
      let variant = runs.reduce((a, b) => (best(b.times) < best(a.times) ? b : a)).name;
      const held = ms[incumbent];
      if (variant !== incumbent && held !== undefined && ms[variant]! > (1 - margin) * held) variant = incumbent;
      return { variant, ms };
    } finally {
      for (const b of made) b.destroy();
    }
  }

  /** The variants timed on this adapter (before eligibility): on software adapters, per softwareCandidates. */
  private candidates(tk: TunableKernel<never>): readonly Variant<never>[] {
    if (!this.host.caps.software || this.softwareCandidates === 'all') return tk.variants;
    if (this.softwareCandidates === 'default') return [];
    return tk.variants.filter((v, i) => i === 0 || v.software === true);
  }

  /**
   * Sets up one variant for timing: the pipeline (the incumbent's from the cache, as it has run
   * already; a challenger's compiled here, so that one that fails to compile on this device is
   * left out instead of failing the engine), uniforms in a buffer of its own, the bind group.
   */
  private async prepare(
    kernel: KernelId,
    tk: TunableKernel<never>,
    v: Variant<never>,
    p: never,
    buffers: GpuBuffer[],
    made: GPUBuffer[],
    incumbent: boolean,
  ): Promise<Runnable | null> {
    const device = this.host.device;
    const spec = gpuKernels[kernel] as GpuKernel<object>;
    const params = v.name === tk.variants[0]!.name ? (p as object) : { ...(p as object), variant: v.name };
    const workgroups = spec.workgroups(params);
    if (workgroups.some((n) => n === 0)) return null;
    const compiled = this.host.pipelines.get(kernel, spec, params);
    if (compiled.storageBindings !== buffers.length) return null;
    const pipeline = incumbent ? compiled.pipeline : await this.compileChecked(kernel, spec, params, compiled);
    if (!pipeline) return null;
    let uniforms = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM });
    made.push(uniforms);
    if (compiled.uniformBinding >= 0) {
      const bytes = Math.ceil(Math.max(compiled.uniformBytes, 16) / 16) * 16;
      const data = new DataView(new ArrayBuffer(bytes));
      packUniforms(compiled, spec.uniforms(params), data);
      uniforms = device.createBuffer({ size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      made.push(uniforms);
      device.queue.writeBuffer(uniforms, 0, data.buffer);
    }
    const group = device.createBindGroup({ layout: compiled.bindGroupLayout, entries: bindGroupEntries(compiled, buffers, uniforms) });
    const offsets = compiled.uniformBinding >= 0 ? [0] : [];
    return {
      name: v.name,
      times: [],
      encode(pass, reps) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group, offsets);
        for (let i = 0; i < reps; i++) pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
      },
    };
  }

  /** Compiles a challenger's pipeline inside error scopes: null if the device rejects it. */
  private async compileChecked(kernel: KernelId, spec: GpuKernel<object>, params: object, compiled: CompiledKernel): Promise<GPUComputePipeline | null> {
    const device = this.host.device;
    const shader = shaderOf(spec, params);
    const prelude = typeof spec.prelude === 'function' ? spec.prelude(params) : (spec.prelude ?? '');
    const { code } = moduleCode(kernel, shader, prelude);
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    let pipeline: GPUComputePipeline | null = null;
    try {
      const module = device.createShaderModule({ label: `tuning ${compiled.label}`, code });
      const layout = device.createPipelineLayout({ bindGroupLayouts: [compiled.bindGroupLayout] });
      const compute = { module, entryPoint: shader.layout!.entryPoint, constants: spec.constants?.(params) ?? {} };
      pipeline = await device.createComputePipelineAsync({ label: `tuning ${compiled.label}`, layout, compute });
    } catch {
      pipeline = null;
    }
    const internal = await device.popErrorScope();
    const validation = await device.popErrorScope();
    return internal || validation ? null : pipeline;
  }

  /** Stops timing: the device is going away. */
  destroy(): void {
    this.destroyed = true;
    this.queue.clear();
    this.lastChoice.clear();
    this.timer?.destroy();
  }
}
