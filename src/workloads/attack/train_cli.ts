/**
 * `npm run train:mnist`: trains the MNIST classifier on the GPU and writes its weights, the file
 * the project ships as assets/mnist_cnn.safetensors.
 *
 *   node dist/scripts/train_mnist.js [--epochs 5] [--batch 64] [--seed 1] [--lr 0.003] [--lr-decay 0.75]
 *                                    [--out assets/mnist_cnn.safetensors] [--backend webgpu|cpu] [--eager]
 *
 * Prints the progress, the held-out test accuracy and the timings; exits with 1 when the accuracy
 * is below --min-accuracy (default 0.97) so a bad run does not silently replace good weights
 * (the file is then written next to it as <out>.rejected).
 */
import '../../backend/webgpu/node/install.js';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createEngine } from '../../create_engine.js';
import { trainMnist } from './node.js';

async function main(): Promise<number> {
  const { values: args } = parseArgs({
    options: {
      epochs: { type: 'string', default: '5' },
      batch: { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
      lr: { type: 'string', default: '0.003' },
      'lr-decay': { type: 'string', default: '0.75' },
      out: { type: 'string', default: 'assets/mnist_cnn.safetensors' },
      backend: { type: 'string', default: 'webgpu' },
      'min-accuracy': { type: 'string', default: '0.97' },
      eager: { type: 'boolean', default: false },
    },
  });
  const epochs = Number(args.epochs);
  const batch = Number(args.batch);
  const seed = Number(args.seed);
  const learningRate = Number(args.lr);
  const learningRateDecay = Number(args['lr-decay']);
  const minAccuracy = Number(args['min-accuracy']);
  if (args.backend !== 'webgpu' && args.backend !== 'cpu') throw new Error(`--backend must be webgpu or cpu, got ${args.backend}`);
  const e = await createEngine({ backend: args.backend });
  const info = e.adapterInfo;
  console.log(`adapter: ${info.backend}: ${[info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ')}`);
  console.log(`training the MNIST classifier: ${epochs} epochs, batch ${batch}, seed ${seed}, Adam lr ${learningRate} x${learningRateDecay} per epoch, ${args.eager ? 'eager' : 'captured'} steps`);
  const result = await trainMnist(e, {
    epochs,
    batch,
    seed,
    learningRate,
    learningRateDecay,
    capture: !args.eager,
    onProgress: (p) => {
      if (p.epochLoss !== undefined) {
        console.log(`  epoch ${p.epoch}/${p.epochs}: mean loss ${p.epochLoss.toFixed(4)}  (${p.elapsedSeconds.toFixed(0)} s)`);
      } else if (process.stdout.isTTY) {
        process.stdout.write(`  epoch ${p.epoch}/${p.epochs}: step ${p.step}/${p.stepsPerEpoch}  (${p.elapsedSeconds.toFixed(0)} s)\r`);
      }
    },
  });
  const ok = result.testAccuracy >= minAccuracy;
  const bytes = await result.model.saveWeights();
  const path = ok ? args.out! : `${args.out}.rejected`;
  await writeFile(path, bytes);
  console.log(`held-out test accuracy: ${(100 * result.testAccuracy).toFixed(2)}%`);
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
