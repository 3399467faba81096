/**
 * `webgpu-descent vector-spread`: the article's second workload, N vectors spread over the unit
 * sphere in D dimensions by gradient ascent on a spread metric, each step on the GPU.
 */
import type { Engine } from '../../engine.js';
import {
  bestKnownMinAngleDeg,
  runVectorSpread,
  spreadLossNames,
  vectorSpreadDefaults,
  type SpreadLossName,
  type VectorSpreadOptions,
  type VectorSpreadResult,
} from '../../workloads/vector_spread/index.js';
import { PROGRAM } from '../args.js';
import { defineCommand } from '../command.js';
import { commonFlags, openEngine, type Output } from '../context.js';
import { num, percent, sampleHistory, table } from '../format.js';
import { withProgress } from '../progress.js';

const perLoss = (key: 'steps' | 'lr' | 'lrDecay' | 'clipNorm'): string =>
  spreadLossNames.map((l) => `${l} ${vectorSpreadDefaults[l][key] ?? 'none'}`).join(', ');

export const vectorSpreadCommand = defineCommand(
  {
    name: 'vector-spread',
    summary: 'Spread N vectors over the unit sphere in D dimensions by gradient ascent on a spread metric.',
    description:
      'As the article: rows are renormalised to norm 0.999 before each step (acos is undefined at 1), the\n' +
      'learning rate decays by --lr-decay every --decay-every steps, and each step runs on the GPU with\n' +
      "no readback. --loss best is the project's own: a soft maximum of the cosines between the vectors,\n" +
      'sharpened over the run (Adam), which reaches the max-min arrangement. Angles in the result are in degrees.',
    flags: {
      loss: { type: 'string', choices: spreadLossNames, default: 'min-angle', help: 'the spread metric to maximise' },
      n: { type: 'number', integer: true, min: 2, default: 20, help: 'number of vectors' },
      dims: { type: 'number', integer: true, min: 1, default: 2, help: 'their dimension' },
      steps: { type: 'number', integer: true, min: 1, help: `gradient-ascent steps (default per loss: ${perLoss('steps')})` },
      lr: { type: 'number', positive: true, help: `initial learning rate (default per loss: ${perLoss('lr')})` },
      'lr-decay': { type: 'number', positive: true, help: `learning-rate factor every --decay-every steps (default ${perLoss('lrDecay')})` },
      'decay-every': { type: 'number', integer: true, min: 1, default: 100, help: 'steps between learning-rate decays' },
      'clip-norm': { type: 'number', positive: true, help: `clip the gradient to this norm (default ${perLoss('clipNorm')})` },
      seed: { type: 'number', integer: true, min: 0, default: 1, help: 'seed of the starting vectors' },
      ...commonFlags,
    },
    examples: [
      `${PROGRAM} vector-spread`,
      `${PROGRAM} vector-spread --loss min-angle-variance --dims 3 --steps 2000`,
      `${PROGRAM} vector-spread --loss force --dims 3 --steps 50 --json`,
      `${PROGRAM} vector-spread --loss best --dims 3`,
    ],
  },
  async (flags, out) => {
    const e = await openEngine(flags.backend, out);
    try {
      const options: VectorSpreadOptions = {
        loss: flags.loss as SpreadLossName,
        n: flags.n,
        dims: flags.dims,
        decayEvery: flags['decay-every'],
        seed: flags.seed,
        ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
        ...(flags.lr !== undefined ? { lr: flags.lr } : {}),
        ...(flags['lr-decay'] !== undefined ? { lrDecay: flags['lr-decay'] } : {}),
        ...(flags['clip-norm'] !== undefined ? { clipNorm: flags['clip-norm'] } : {}),
      };
      const result = await spreadVectors(e, options, out);
      if (out.json) {
        const { minAngleDeg, meanMinAngleDeg, lossHistory, vectors } = result;
        out.result({ minAngleDeg, meanMinAngleDeg, lossHistory, vectors });
      } else {
        printSpread(result, out);
      }
      return 0;
    } finally {
      e.destroy();
    }
  },
);

/**
 * Runs one spread under a progress bar. Steps are queued on the GPU without readback, so the bar
 * counts queued steps; the wait for the GPU to finish them shows as a note at the end.
 */
export function spreadVectors(e: Engine, options: VectorSpreadOptions, out: Output, label?: string): Promise<VectorSpreadResult> {
  const loss = options.loss ?? 'min-angle';
  const steps = options.steps ?? vectorSpreadDefaults[loss].steps;
  return withProgress(
    label ?? `vector-spread ${loss} ${options.dims ?? 2}-D`,
    steps,
    (bar) =>
      runVectorSpread(e, {
        ...options,
        onStep: (step, total) => {
          bar.update(step);
          if (step === total) bar.setNote('waiting for the GPU');
        },
      }),
    (r) => `min angle ${num(r.initialMinAngleDeg, 3)}° -> ${num(r.minAngleDeg, 3)}°`,
    out.progress,
  );
}

function printSpread(r: VectorSpreadResult, out: Output): void {
  const clip = r.clipNorm === null ? 'no clipping' : `clip norm ${num(r.clipNorm)}`;
  out.info(`${r.n} vectors in ${r.dims}-D, loss ${r.loss}: ${r.steps} steps of ${r.optimizer}, lr ${num(r.lr)} x${num(r.lrDecay)} every ${r.decayEvery}, ${clip}`);
  out.info(`metric before each step: ${sampleHistory(r.lossHistory).map((s) => `${s.step}: ${num(s.value)}`).join(', ')}`);
  out.info();
  out.info(
    table(
      ['', 'min angle', 'mean nearest angle'],
      [
        ['start', `${num(r.initialMinAngleDeg, 4)}°`, `${num(r.initialMeanMinAngleDeg, 4)}°`],
        ['end', `${num(r.minAngleDeg, 4)}°`, `${num(r.meanMinAngleDeg, 4)}°`],
      ],
      ['left', 'right', 'right'],
    ),
  );
  const best = bestKnownMinAngleDeg(r.n, r.dims);
  if (best !== undefined) out.info(`\n(the best smallest angle known for ${r.n} vectors in ${r.dims}-D is ${num(best, 5)}°: this is ${percent(r.minAngleDeg / best)} of it)`);
}
