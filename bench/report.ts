/**
 * The benchmark's result as one object — what --json prints and --save writes — and its text form
 * (the table, the targets, the profile). `--from <file>` prints the text of a saved result.
 */
import { comparisons, type Comparison } from './compare.js';
import { formatProfile, type CaseProfile } from './profile.js';
import type { RunEnvironment } from './protocol.js';
import type { CaseResult } from './runner.js';
import { formatFailures, formatTable, legend } from './table.js';
import { evaluateTargets, formatTargets, type TargetResult } from './targets.js';

/** A benchmark run: where, what and the numbers. */
export interface Report extends Partial<RunEnvironment> {
  date: string;
  command: string;
  /** The library's commit, and whether the working tree had changes (see main.ts). */
  revision: string | null;
  seconds: number;
  options: { quick: boolean; tfjs: boolean; filters: string[]; profile: boolean };
  cases: (CaseResult & { comparisons: Comparison[] })[];
  targets: TargetResult[];
  /** Per-kernel GPU times of our side (--profile), or null. */
  profile: CaseProfile[] | null;
}

/** Assembles the report of a run. */
export function makeReport(base: Omit<Report, 'cases' | 'targets'>, results: CaseResult[]): Report {
  return { ...base, cases: results.map((r) => ({ ...r, comparisons: comparisons(r) })), targets: evaluateTargets(results) };
}

/** The report as text: a header, the table, its legend, failures, the targets and the profile. */
export function formatReport(r: Report): string {
  const lines: string[] = [`webgpu-descent benchmark, ${r.date}`];
  if (r.adapter) {
    const a = r.adapter;
    lines.push(`adapter: ${a.description || a.device} (${a.vendor}, ${a.architecture}); timestamp-query: ${a.timestampQuery ? 'yes' : 'no'}`);
  }
  const t = r.tfjs;
  if (r.tfjs !== undefined) {
    lines.push(`tfjs: ${t ? `${t.version}, webgpu ${t.webgpu ? 'on the same adapter' : 'unavailable'}, wasm ${t.wasm ? `(${t.wasmFlavour})` : 'unavailable'}` : 'not run (--no-tfjs)'}`);
    for (const note of t?.notes ?? []) lines.push(`  ${note}`);
  }
  if (r.machine) lines.push(`node ${r.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), load average ${r.machine.loadAverage1m.toFixed(1)} at the start`);
  lines.push(`library: ${r.revision ?? 'not a git checkout'}`);
  lines.push(`command: ${r.command}; ${r.options.quick ? 'quick run' : 'full run'}, ${r.seconds.toFixed(0)} s`);
  lines.push('', formatTable(r.cases), '', ...legend);
  const failures = formatFailures(r.cases);
  if (failures.length > 0) lines.push('', 'Failures:', ...failures.map((f) => `  ${f}`));
  lines.push('', 'Targets, from this run:', formatTargets(r.targets));
  if (r.profile) {
    lines.push('', r.adapter?.timestampQuery === false ? "Profile: the adapter has no 'timestamp-query' feature: no GPU time per kernel." : formatProfile(r.profile));
  }
  return lines.join('\n');
}
