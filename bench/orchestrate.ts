/**
 * Runs cases in worker processes (worker.ts) and collects their messages (protocol.ts). Each case
 * gets a fresh worker: nothing one case leaves behind (pools, caches, garbage, a device in a bad
 * state) reaches the next, and a worker that dies — a native abort, a segmentation fault, an
 * out-of-memory kill — or runs past the time limit costs only its case, reported as failed with
 * the side that was running and the worker's last words. Starting a worker takes about a second.
 */
import { spawn } from 'node:child_process';
import type { BenchCase } from './case.js';
import type { CaseProfile } from './profile.js';
import { messageFd, type RunEnvironment, type WorkerMessage } from './protocol.js';
import { caseHeader, type CaseResult } from './runner.js';
import { summarize } from './stats.js';

/** What the workers reported. */
export interface Collected {
  environment: RunEnvironment | null;
  results: CaseResult[];
  profiles: CaseProfile[];
}

/** How to run the workers. */
export interface WorkerPlan {
  quick: boolean;
  tfjs: boolean;
  profileOnly: boolean;
  /** A case still running after this many seconds is stopped. */
  caseTimeoutS: number;
  log: (line: string) => void;
}

/**
 * The first worker's environment, with what later ones add: a worker loads tfjs's WASM backend
 * only for cases that use it.
 */
function mergeEnvironment(into: Collected, env: RunEnvironment): void {
  const known = (into.environment ??= env);
  if (known !== env && env.tfjs?.wasm && known.tfjs && !known.tfjs.wasm) {
    known.tfjs = { ...known.tfjs, wasm: true, wasmFlavour: env.tfjs.wasmFlavour };
  }
}

/** How one worker ended: the ids it finished and, if it died, on which case (and side) and why. */
interface WorkerEnd {
  finished: Set<string>;
  died: { id: string | null; side: string | null; reason: string } | null;
}

function runWorker(ids: string[], plan: WorkerPlan, into: Collected): Promise<WorkerEnd> {
  const args = [process.argv[1]!, '--worker', '--ids', ids.join(',')];
  if (plan.quick) args.push('--quick');
  if (!plan.tfjs) args.push('--no-tfjs');
  if (plan.profileOnly) args.push('--profile-only');
  // The worker's stdout carries Dawn's own messages: they join our stderr, away from the JSON.
  // Its stderr is piped (forwarded, and its last lines kept); descriptor 3 (messageFd) carries messages.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 2, 'pipe', 'pipe'] });
  const finished = new Set<string>();
  let current: string | null = null;
  let currentSide: string | null = null;
  let timedOut = false;
  const lastLines: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, plan.caseTimeoutS * 1000);
  };
  arm();
  let stderrRest = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    const lines = (stderrRest + chunk.toString('utf8')).split('\n');
    stderrRest = lines.pop()!;
    lastLines.push(...lines.filter((l) => l.trim() && !l.startsWith('Warning: maxDynamic')));
    lastLines.splice(0, Math.max(0, lastLines.length - 6));
  });
  let messageRest = '';
  (child.stdio[messageFd] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    const lines = (messageRest + chunk.toString('utf8')).split('\n');
    messageRest = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as WorkerMessage;
      if (m.type === 'environment') mergeEnvironment(into, m.environment);
      else if (m.type === 'start') {
        current = m.id;
        currentSide = null;
        // The last words reported for a crash are those of the case that crashed.
        lastLines.length = 0;
        arm();
      } else if (m.type === 'side') currentSide = m.side; else if (m.type === 'case') {
        into.results.push(m.result);
        finished.add(m.result.id);
      } else if (m.type === 'profile') {
        into.profiles.push(m.profile);
        finished.add(m.profile.id);
      }
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stderrRest.trim()) lastLines.push(stderrRest);
      const clean = code === 0 && ids.every((id) => finished.has(id));
      if (clean) return resolve({ finished, died: null });
      const how = timedOut ? `no result within ${plan.caseTimeoutS} s` : `the process died (${signal ?? `exit code ${code}`})`;
      const last = lastLines.length > 0 ? `: ${lastLines.join(' | ').slice(0, 600)}` : '';
      const id = current !== null && !finished.has(current) ? current : null;
      resolve({ finished, died: { id, side: id ? currentSide : null, reason: `${how}${last}` } });
    });
  });
}

/** The result of a case whose worker died while `side` was being built or run (null: unknown). */
function crashed(c: BenchCase, side: string | null, reason: string): CaseResult {
  return {
    ...caseHeader(c),
    runs: 0,
    warmup: 0,
    sides: [
      {
        name: side ?? 'ours',
        ms: summarize([NaN]),
        cpuMs: summarize([NaN]),
        counts: null,
        firstValue: NaN,
        error: `${side ? `crashed while running ${side}` : 'crashed'}: ${reason}`,
      },
    ],
    seconds: NaN,
    leaked: { ours: 0, tfjs: null },
  };
}

/** Runs the cases in order, each in a worker of its own. */
export async function runInWorkers(cases: readonly BenchCase[], plan: WorkerPlan, into: Collected): Promise<void> {
  for (const c of cases) {
    const end = await runWorker([c.id], plan, into);
    if (!end.died) continue;
    const side = end.died.id === c.id ? end.died.side : null;
    plan.log(`bench: ${c.id}${side ? ` [${side}]` : ''}: ${end.died.reason}`);
    if (plan.profileOnly) into.profiles.push({ id: c.id, gpuMs: NaN, kernels: [], error: end.died.reason });
    else into.results.push(crashed(c, side, end.died.reason));
  }
}
