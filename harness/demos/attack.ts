/**
 * Demo: the article's adversarial attack on navigator.gpu, animated. A handwritten digit the
 * classifier reads correctly is nudged, 1/255 per pixel per step, against the gradient of
 * log p(true class) with respect to the image, until the classifier reads another digit. The page
 * shows the original, the adversarial image, the change between them, and the probabilities.
 *
 * Query parameters: digit (0-9, default 7), sample (which held-out sample of that digit, counted
 * from the end, default 0), epsilon (default 1/255), max (steps at most, default 40), weights (URL
 * of a safetensors file, default the shipped /assets/mnist_cnn.safetensors), test.
 */
import { BatchNormalization, Conv2D, createEngine, Dense, Dropout, Flatten, MaxPooling2D, Sequential, type Tensor } from '../../src/index.js';
import { describeAdapter, nextFrame, numberParam, params, runDemo, status } from './lib/page.js';

void runDemo(async () => {
  const digit = Math.min(9, Math.max(0, Math.round(numberParam('digit', 7))));
  const sample = Math.max(0, Math.round(numberParam('sample', 0)));
  const epsilon = numberParam('epsilon', 1 / 255);
  const maxSteps = numberParam('max', 40);
  const weightsUrl = params.get('weights') ?? '/assets/mnist_cnn.safetensors';

  const e = await createEngine();
  const adapter = describeAdapter(e);
  document.querySelector('#setup')!.textContent = `digit ${digit}, ε = ${(255 * epsilon).toFixed(2)}/255 per step, at most ${maxSteps} steps; ${adapter}`;

  // The article's classifier family, sized for 28x28 digits (as src/workloads/attack/models.ts
  // builds it); the weights the project ships.
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
  status('loading the weights and the digit…');
  await model.loadWeights(new URL(weightsUrl, location.href));
  // The `mnist` package's digits of one class; the last ones are held out from training.
  const response = await fetch(`/mnist/${digit}.json`);
  if (!response.ok) throw new Error(`attack demo: /mnist/${digit}.json: ${response.status} ${response.statusText}`);
  const all = ((await response.json()) as { data: number[] }).data;
  const end = all.length - 784 * sample;
  const pixels = Float32Array.from(all.slice(end - 784, end));

  const original = e.tensor(pixels, [1, 28, 28, 1]);
  const isTrueClass = e.tensor(Array.from({ length: 10 }, (_, c) => (c === digit ? 1 : 0)), [1, 10]);
  let image: Tensor = original;
  const before = await probabilities(image);
  let now = before;
  let steps = 0;
  draw(pixels, pixels, before, now, digit, 0);
  while (argmax(now) === digit && steps < maxSteps) {
    const next = e.tidy(() => {
      const { grads } = e.valueAndGrad(() => model.predict(image).log().mul(isTrueClass).sum(), [image]);
      return image.sub(grads[0]!.sign().mul(epsilon)).clip(0, 1);
    });
    if (image !== original) image.dispose();
    image = next;
    steps++;
    now = await probabilities(image);
    draw(pixels, await image.data(), before, now, digit, steps);
    await nextFrame();
  }
  const after = await image.data();
  let maxChange = 0;
  for (let i = 0; i < after.length; i++) maxChange = Math.max(maxChange, Math.abs(after[i]! - pixels[i]!));
  e.dispose([original, isTrueClass, image]);
  model.dispose();
  e.destroy();
  const predictedAfter = argmax(now);
  status(
    predictedAfter === digit
      ? `still read as ${digit} after ${steps} steps`
      : `a ${digit} now read as ${predictedAfter} (p ${now[predictedAfter]!.toFixed(3)}) after ${steps} steps; largest pixel change ${(255 * maxChange).toFixed(0)}/255`,
  );
  return {
    adapter,
    label: digit,
    predictedBefore: argmax(before),
    predictedAfter,
    flipped: predictedAfter !== digit,
    steps,
    maxAbsChange: 255 * maxChange,
    before,
    after: now,
  };

  async function probabilities(x: Tensor): Promise<number[]> {
    const p = e.tidy(() => model.predict(x));
    const values = Array.from(await p.data());
    p.dispose();
    return values;
  }
});

function argmax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}

/** Draws the three images and the probability bars. */
function draw(original: Float32Array, adversarial: Float32Array, before: readonly number[], now: readonly number[], label: number, steps: number): void {
  drawImage('#original', original, (v) => v);
  drawImage('#adversarial', adversarial, (v) => v);
  // Mid-grey: unchanged; lighter: brighter; darker: darker (the largest change seen so far is full scale).
  let largest = 1e-6;
  for (let i = 0; i < original.length; i++) largest = Math.max(largest, Math.abs(adversarial[i]! - original[i]!));
  drawImage('#change', original, (v, i) => 0.5 + (0.5 * (adversarial[i]! - v)) / largest);
  drawBars(before, now, label, steps);
}

function drawImage(selector: string, values: Float32Array, tone: (v: number, i: number) => number): void {
  const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
  const ctx = canvas.getContext('2d')!;
  const data = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = Math.round(255 * Math.min(1, Math.max(0, tone(values[i]!, i))));
    data.data.set([g, g, g, 255], 4 * i);
  }
  // Draw 28x28, then scale up with square pixels.
  const small = new OffscreenCanvas(28, 28);
  small.getContext('2d')!.putImageData(data, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function drawBars(before: readonly number[], now: readonly number[], label: number, steps: number): void {
  const canvas = document.querySelector<HTMLCanvasElement>('#probabilities')!;
  const ctx = canvas.getContext('2d')!;
  const box = { x0: 30, x1: canvas.width - 10, y0: canvas.height - 24, y1: 24 };
  const slot = (box.x1 - box.x0) / 10;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.textAlign = 'center';
  ctx.fillText(`class probabilities: before (grey), after ${steps} steps (red)`, canvas.width / 2, 15);
  ctx.strokeStyle = '#444';
  ctx.beginPath();
  ctx.moveTo(box.x0, box.y0);
  ctx.lineTo(box.x1, box.y0);
  ctx.stroke();
  ctx.textAlign = 'right';
  ctx.fillText('1', box.x0 - 4, box.y1 + 4);
  ctx.fillText('0', box.x0 - 4, box.y0);
  for (let c = 0; c < 10; c++) {
    const x = box.x0 + slot * c + slot / 2;
    const bar = (p: number, dx: number, color: string): void => {
      ctx.fillStyle = color;
      const h = (box.y0 - box.y1) * p;
      ctx.fillRect(x + dx, box.y0 - h, slot * 0.36, h);
    };
    bar(before[c]!, -slot * 0.38, '#9aa5b1');
    bar(now[c]!, slot * 0.02, '#d62728');
    ctx.fillStyle = '#222';
    ctx.textAlign = 'center';
    ctx.font = c === label ? 'bold 13px system-ui, sans-serif' : '12px system-ui, sans-serif';
    ctx.fillText(String(c), x, canvas.height - 6);
  }
}
