/**
 * The article's third workload, translated: an adversarial attack. Take a digit the classifier
 * reads correctly, and nudge every pixel by 1/255 against the gradient of log p(true class) with
 * respect to the IMAGE (the weights stay fixed) until the classifier says something else.
 *
 * The classifier is the article's architecture scaled to 28x28 MNIST digits; the project ships
 * its trained weights (assets/mnist_cnn.safetensors), so nothing is trained here.
 *
 *   npm run example -- adversarial_attack          npm run example -- adversarial_attack --quick
 *
 * Run it from the repository root (npm run example does). In your own project, import from
 * 'webgpu-descent' instead of '../src/node.js'.
 */
import { createRequire } from 'node:module';
import {
  BatchNormalization,
  Conv2D,
  createEngine,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  Sequential,
  type Tensor,
} from '../src/node.js';

const quick = process.argv.includes('--quick');
const e = await createEngine();

// The article's classifier: Conv2D-BatchNorm-MaxPool-Dropout blocks, Dense, BatchNorm, Dropout, softmax.
const model = new Sequential([
  new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  new BatchNormalization(),
  new MaxPooling2D({ poolSize: 2 }),
  new Dropout({ rate: 0.25 }),
  new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }),
  new BatchNormalization(),
  new MaxPooling2D({ poolSize: 2 }),
  new Dropout({ rate: 0.25 }),
  new Flatten(),
  new Dense({ units: 64, activation: 'relu' }),
  new BatchNormalization(),
  new Dropout({ rate: 0.5 }),
  new Dense({ units: 10, activation: 'softmax' }),
]);
model.build(undefined, e);
await model.loadWeights('assets/mnist_cnn.safetensors');

// Digits from the `mnist` package: the last one of each class is one the model was not trained on.
const require = createRequire(import.meta.url);
const digitsToAttack = quick ? [7] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const epsilon = 1 / 255;
const maxSteps = 60;

for (const digit of digitsToAttack) {
  const pixels: number[] = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
  let image: Tensor = e.tensor(pixels.slice(-784), [1, 28, 28, 1]);
  const original = image;
  const isTrueClass = e.tensor(Array.from({ length: 10 }, (_, c) => (c === digit ? 1 : 0)), [1, 10]);
  const before = await probabilities(image);

  let steps = 0;
  let now = before;
  while (argmax(now) === digit && steps < maxSteps) {
    const next = e.tidy(() => {
      // The gradient of log p(true class) with respect to the input image.
      const { grads } = e.valueAndGrad(() => model.predict(image).log().mul(isTrueClass).sum(), [image]);
      // Step against it by epsilon per pixel, and keep pixels in [0, 1].
      return image.sub(grads[0]!.sign().mul(epsilon)).clip(0, 1);
    });
    if (image !== original) image.dispose();
    image = next;
    steps++;
    now = await probabilities(image);
  }

  const change = e.tidy(() => image.sub(original).abs().max().mul(255));
  const maxChange = (await change.data())[0]!;
  const says = argmax(now);
  console.log(
    `digit ${digit}: read as ${argmax(before)} (p ${before[argmax(before)]!.toFixed(3)}) -> ` +
      (says === digit ? `still ${digit} after ${steps} steps` : `${says} (p ${now[says]!.toFixed(3)}) after ${steps} steps`) +
      `, largest pixel change ${maxChange.toFixed(0)}/255`,
  );
  e.dispose([change, isTrueClass, original, image]);
}
model.dispose();
e.destroy();

/** The classifier's 10 class probabilities for one image (one readback). */
async function probabilities(image: Tensor): Promise<number[]> {
  const p = e.tidy(() => model.predict(image));
  const values = Array.from(await p.data());
  p.dispose();
  return values;
}

function argmax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}
