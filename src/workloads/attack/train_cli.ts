/**
 * `npm run train:mnist`: trains the MNIST classifier on the GPU and writes its weights, the file
 * the project ships as assets/mnist_cnn.safetensors.
 *
 *   node dist/scripts/train_mnist.js [--epochs E] [--batch 64] [--seed 1] [--lr 0.003]
 *        [--schedule cosine|exponential] [--lr-decay 0.75] [--no-augment] [--rotation 10] [--shift 2]
 *        [--scale 0.05] [--elastic 0] [--elastic-sigma 4] [--average-last 10] [--no-recalibrate]
 *        [--out assets/mnist_cnn.safetensors] [--backend webgpu|cpu] [--eager]
 *
 * The defaults are the recipe of the shipped weights (assets/README.md). Prints the progress, the
 * held-out test accuracy after each epoch (for watching only: the last epoch's weights are kept
 * whatever the others scored) and the timings; exits with 1 when the final accuracy is below
 * --min-accuracy (default 0.99) so a bad run does not silently replace good weights (the file is
 * then written next to it as <out>.rejected).
 */
import '../../backend/webgpu/node/install.js';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createEngine } from '../../create_engine.js';
import { evaluateClassifier } from './evaluate.js';
import { loadMnist, trainMnist } from './node.js';

/** The recipe of the shipped weights: the defaults of this script. */
const SHIPPED_RECIPE = {
  epochs: 30,
  averageLast: 10,
  batch: 64,
  seed: 1,
  lr: 0.003,
  schedule: 'cosine',
  rotation: 10,
  shift: 2,
  scale: 0.05,
  elastic: 0,
  elasticSigma: 4,
} as const;

async function main(): Promise<number> {
  const r = SHIPPED_RECIPE;
  const { values: args } = parseArgs({
    options: {
      epochs: { type: 'string', default: String(r.epochs) },
      batch: { type: 'string', default: String(r.batch) },
      seed: { type: 'string', default: String(r.seed) },
      lr: { type: 'string', default: String(r.lr) },
      schedule: { type: 'string', default: r.schedule },
      'lr-decay': { type: 'string', default: '0.75' },
      'no-augment': { type: 'boolean', default: false },
      'no-recalibrate': { type: 'boolean', default: false },
      'average-last': { type: 'string', default: String(r.averageLast) },
      rotation: { type: 'string', default: String(r.rotation) },
      shift: { type: 'string', default: String(r.shift) },
      scale: { type: 'string', default: String(r.scale) },
      elastic: { type: 'string', default: String(r.elastic) },
      'elastic-sigma': { type: 'string', default: String(r.elasticSigma) },
      out: { type: 'string', default: 'assets/mnist_cnn.safetensors' },
      backend: { type: 'string', default: 'webgpu' },
      'min-accuracy': { type: 'string', default: '0.99' },
      eager: { type: 'boolean', default: false },
    },
  });
  const epochs = Number(args.epochs);
  const batch = Number(args.batch);
  const seed = Number(args.seed);
  const learningRate = Number(args.lr);
  const learningRateDecay = Number(args['lr-decay']);
  const minAccuracy = Number(args['min-accuracy']);
  const schedule = args.schedule;
  if (schedule !== 'cosine' && schedule !== 'exponential') throw new Error(`--schedule must be cosine or exponential, got ${schedule}`);
  const augment = args['no-augment']
    ? undefined
    : {
        maxRotationDeg: Number(args.rotation),
        maxShift: Number(args.shift),
        maxScale: Number(args.scale),
        elasticAlpha: Number(args.elastic),
        elasticSigma: Number(args['elastic-sigma']),
      };
  if (args.backend !== 'webgpu' && args.backend !== 'cpu') throw new Error(`--backend must be webgpu or cpu, got ${args.backend}`);
  const e = await createEngine({ backend: args.backend });
  const info = e.adapterInfo;
  console.log(`adapter: ${info.backend}: ${[info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ')}`);
  const lrText = schedule === 'cosine' ? `${learningRate} along a cosine to 1% of it` : `${learningRate} x${learningRateDecay} per epoch`;
  const augmentText = augment
    ? `rotations ±${augment.maxRotationDeg}°, shifts ±${augment.maxShift} px, scale ±${100 * augment.maxScale}%` +
      (augment.elasticAlpha > 0 ? `, elastic α ${augment.elasticAlpha} σ ${augment.elasticSigma}` : '')
    : 'no augmentation';
  const averageText = Number(args['average-last']) > 1 ? `, weights averaged over the last ${args['average-last']} epochs` : '';
  console.log(`training the MNIST classifier: ${epochs} epochs, batch ${batch}, seed ${seed}, Adam lr ${lrText}, ${augmentText}${averageText}, ${args.eager ? 'eager' : 'captured'} steps`);
  const data = loadMnist();
  const result = await trainMnist(e, {
    data,
    epochs,
    batch,
    seed,
    learningRate,
    learningRateDecay,
    schedule,
    ...(augment ? { augment } : {}),
    recalibrateBatchNorm: !args['no-recalibrate'],
    averageLast: Number(args['average-last']),
    capture: !args.eager,
    onProgress: (p) => {
      if (p.epochLoss !== undefined) {
        process.stdout.write(`  epoch ${p.epoch}/${p.epochs}: mean loss ${p.epochLoss.toFixed(4)}  (${p.elapsedSeconds.toFixed(0)} s)`);
      } else if (process.stdout.isTTY) {
        process.stdout.write(`  epoch ${p.epoch}/${p.epochs}: step ${p.step}/${p.stepsPerEpoch}  (${p.elapsedSeconds.toFixed(0)} s)\r`);
      }
    },
    // Watching only: the run keeps the last epoch's weights, whatever this says.
    onEpochEnd: async (_epoch, model) => {
      const { accuracy } = await evaluateClassifier(e, model, data.test);
      console.log(`, held-out ${(100 * accuracy).toFixed(2)}%`);
    },
  });
  const ok = result.testAccuracy >= minAccuracy;
  const bytes = await result.model.saveWeights();
  const path = ok ? args.out! : `${args.out}.rejected`;
  await writeFile(path, bytes);
  console.log(`held-out test accuracy of the final weights: ${(100 * result.testAccuracy).toFixed(2)}%`);
  console.log(`${result.steps} steps in ${result.trainSeconds.toFixed(1)} s (${((1000 * result.trainSeconds) / result.steps).toFixed(0)} ms/step); total ${result.seconds.toFixed(1)} s`);
  console.log(`${ok ? 'wrote' : `accuracy below ${minAccuracy}: wrote`} ${path} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  result.model.dispose();
  e.destroy();
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
