// Every variant of conv2d, its input gradient (tiled and direct kernels) and its filter gradient
// against the CPU reference, forced on odd shapes: 1 and 3 channels, sizes off the tiles, strides,
// dilations, padding, fused bias and activation, split filter-gradient reductions (1,000+ pixels).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import { convGeometry, parseSteps } from '../../../src/ops/conv_geometry.js';
import { conv2dBackpropFilterOp, conv2dBackpropInputOp } from '../../../src/ops/conv_primitives.js';
import type { Padding } from '../../../src/ops/conv_geometry.js';
import { cpuEngine, gpuEngine } from '../../helpers/engines.js';
import { checkVariant, input, type Problem } from './variant_check.js';

interface Layer {
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  strides?: number;
  dilations?: number;
  padding?: Padding;
}

const name = (l: Layer): string =>
  `[${l.x}] * ${l.k.join('x')}x${l.x[3]}x${l.outC}${l.strides ? ` stride ${l.strides}` : ''}${l.dilations ? ` dilation ${l.dilations}` : ''} ${l.padding ?? 'valid'}`;

function geometry(l: Layer) {
  const steps = parseSteps('test', { strides: l.strides ?? 1, dilations: l.dilations ?? 1 });
  return convGeometry('test', l.x, [...l.k, l.x[3], l.outC], l.outC, steps, l.padding ?? 'valid');
}

function forward(l: Layer, fused = false): Problem {
  return {
    name: `${name(l)}${fused ? ' + bias, relu' : ''}`,
    run: (e: Engine) => {
      const x = input(e, l.x, 1);
      const w = input(e, [...l.k, l.x[3], l.outC], 2);
      const options = { strides: l.strides ?? 1, dilations: l.dilations ?? 1, padding: l.padding ?? 'valid' };
      return fused ? x.conv2d(w, { ...options, bias: input(e, [l.outC], 3), activation: 'relu' }) : x.conv2d(w, options);
    },
  };
}

function inputGradient(l: Layer): Problem {
  return {
    name: name(l),
    run: (e: Engine) => {
      const g = geometry(l);
      return conv2dBackpropInputOp(input(e, [g.batch, g.outH, g.outW, g.outC], 4), input(e, [...l.k, l.x[3], l.outC], 2), g);
    },
  };
}

function filterGradient(l: Layer): Problem {
  return {
    name: name(l),
    run: (e: Engine) => {
      const g = geometry(l);
      return conv2dBackpropFilterOp(input(e, l.x, 1), input(e, [g.batch, g.outH, g.outW, g.outC], 4), g);
    },
  };
}

const layers: Layer[] = [
  { x: [1, 9, 9, 1], k: [3, 3], outC: 5 },
  { x: [2, 17, 17, 3], k: [3, 3], outC: 20, padding: 'same' },
  { x: [1, 17, 13, 6], k: [3, 3], outC: 12, strides: 2, padding: 'same' },
  { x: [1, 15, 15, 9], k: [3, 3], outC: 8, dilations: 2 },
  { x: [2, 12, 12, 8], k: [3, 3], outC: 36, padding: 'same' },
  { x: [2, 26, 26, 5], k: [3, 3], outC: 68 },
  { x: [1, 7, 7, 10], k: [2, 2], outC: 4 },
];

const problems: Record<string, Problem[]> = {
  conv2d: [...layers.map((l) => forward(l)), forward(layers[1]!, true), forward(layers[4]!, true)],
  // The tiled kernel serves 9+ input channels without whole vec4s; the direct one 1 to 8.
  conv2d_backprop_input: [
    inputGradient({ x: [1, 11, 11, 9], k: [3, 3], outC: 7, padding: 'same' }),
    inputGradient({ x: [2, 13, 9, 10], k: [3, 3], outC: 12, strides: 2 }),
    inputGradient({ x: [1, 15, 15, 17], k: [3, 3], outC: 5, dilations: 2, padding: 'same' }),
  ],
  conv2d_backprop_input_direct: [
    inputGradient({ x: [1, 9, 9, 1], k: [3, 3], outC: 5 }),
    inputGradient({ x: [2, 17, 17, 3], k: [3, 3], outC: 20, padding: 'same' }),
    inputGradient({ x: [1, 13, 11, 3], k: [3, 3], outC: 36, strides: 2, padding: 'same' }),
  ],
  conv2d_backprop_filter: layers.map(filterGradient),
};

describe('conv variants match the CPU reference', () => {
  for (const [kernel, list] of Object.entries(problems)) {
    it(`${kernel}: every variant`, async () => {
      const gpu = await gpuEngine();
      const cpu = await cpuEngine();
      expect(gpu.tuning.variants(kernel).length).toBeGreaterThan(1);
      for (const variant of gpu.tuning.variants(kernel)) {
        const ran = await checkVariant(gpu, cpu, kernel, variant, list, 1e-4, 1e-4);
        expect(ran, `${kernel} ${variant} ran on ${ran} problems`).toBeGreaterThanOrEqual(2);
      }
    });
  }
});
