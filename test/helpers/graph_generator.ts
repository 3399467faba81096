/**
 * Random differentiable graphs over most op families (elementwise with broadcasting, reductions,
 * slices, concat and stack, transposes, matmul, conv2d, pooling, softmax), for tests that compare
 * execution paths (lazy, compiled, one dispatch per op) with the CPU reference. A graph is a
 * function of its input tensors returning a scalar loss; shapes are small and odd so that tiles
 * and workgroups are crossed, and values stay in a tame range.
 */
import type { Engine, Tensor } from '../../src/index.js';
import { rng } from './random.js';

export interface RandomGraph {
  /** Shapes of the inputs. */
  shapes: number[][];
  /** Builds the scalar loss from the inputs. */
  build: (e: Engine, inputs: readonly Tensor[]) => Tensor;
  /** One line per step, for failure messages. */
  description: string;
}

type Pick = <T>(list: readonly T[]) => T;
type Step = (e: Engine, pool: Tensor[]) => Tensor;

const unaries: [string, (x: Tensor) => Tensor][] = [
  ['sin', (x) => x.sin()],
  ['tanh', (x) => x.tanh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['softplus', (x) => x.softplus()],
  ['square', (x) => x.square()],
  ['log(1+x²)', (x) => x.square().add(1).log()],
  ['sqrt(x²+0.5)', (x) => x.square().add(0.5).sqrt()],
  ['exp(clip)', (x) => x.clip(-3, 3).exp()],
  ['atan', (x) => x.atan()],
  ['elu', (x) => x.elu()],
  ['relu', (x) => x.relu()],
  ['abs', (x) => x.abs()],
  ['neg', (x) => x.neg()],
  ['mul 1.7', (x) => x.mul(1.7)],
];

const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', (a, b) => a.add(b)],
  ['sub', (a, b) => a.sub(b)],
  ['mul', (a, b) => a.mul(b)],
  ['div', (a, b) => a.div(b.sigmoid().add(0.5))],
  ['maximum', (a, b) => a.maximum(b)],
  ['minimum', (a, b) => a.minimum(b)],
  ['squaredDifference', (a, b) => a.squaredDifference(b)],
  ['where', (a, b) => a.greater(b).where(a.mul(2), b)],
];

function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 1; k <= Math.min(a.length, b.length); k++) {
    const x = a[a.length - k]!;
    const y = b[b.length - k]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, k) => {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    return x === 1 ? y : x;
  });
}

const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Graph number `seed`: the same graph on every run. */
export function randomGraph(seed: number): RandomGraph {
  const r = rng(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  const dim = (): number => pick([1, 2, 3, 5, 7]);
  const base = Array.from({ length: pick([1, 2, 2, 3]) }, dim);
  const partner = base.map((d) => (pick([true, false, false]) ? 1 : d));
  // An image [batch, height, width, channels] and a 3x3 or 2x2 filter for conv2d.
  const channels = pick([1, 2, 3]);
  const image = [pick([1, 2]), pick([5, 6, 7]), pick([5, 6]), channels];
  const k = pick([2, 3]);
  const filter = [k, k, channels, pick([1, 2, 4])];
  const shapes = [base, pick([true, false]) && partner.length > 1 ? partner.slice(1) : partner, image, filter];
  const steps: string[] = [];
  const plan: Step[] = [];
  const poolShapes = shapes.map((s) => [...s]);
  const count = 4 + Math.floor(r() * 7);
  for (let n = 0; n < count; n++) {
    const i = Math.floor(r() * poolShapes.length);
    const a = poolShapes[i]!;
    const kinds = ['unary', 'unary', 'binary', 'binary', 'reduce', 'layout', 'layout', 'matmul', 'softmax'];
    if (a.length === 4) kinds.push('pool', 'pool');
    if (poolShapes.some((s) => s.length === 4 && s[3] === channels)) kinds.push('conv');
    let kind = pick(kinds);
    if (a.length === 0 && kind !== 'binary') kind = 'unary';
    if (kind === 'unary') {
      const [name, f] = pick(unaries);
      steps.push(`${name}(#${i})`);
      plan.push((_e, pool) => f(pool[i]!));
      poolShapes.push([...a]);
    } else if (kind === 'binary') {
      const j = poolShapes.findIndex((b, jj) => jj !== i && broadcasts(a, b));
      const other = j >= 0 && r() < 0.8 ? j : i;
      const [name, f] = pick(binaries);
      steps.push(`${name}(#${i}, #${other})`);
      plan.push((_e, pool) => f(pool[i]!, pool[other]!));
      poolShapes.push(broadcast(a, poolShapes[other]!));
    } else if (kind === 'reduce') {
      const axis = Math.floor(r() * a.length);
      const keep = r() < 0.5;
      const op = pick(['sum', 'mean', 'max', 'min', 'logSumExp', 'maxFirst', 'all'] as const);
      steps.push(`${op}(#${i}, ${axis}, ${keep})`);
      if (op === 'all') {
        plan.push((_e, pool) => pool[i]!.sum());
        poolShapes.push([]);
      } else {
        if (op === 'maxFirst') plan.push((_e, pool) => pool[i]!.max([axis], keep, { ties: 'first' }));
        else plan.push((_e, pool) => pool[i]![op](axis, keep));
        poolShapes.push(keep ? a.map((d, ax) => (ax === axis ? 1 : d)) : a.filter((_, ax) => ax !== axis));
      }
    } else if (kind === 'layout') {
      const which = pick(['transpose', 'slice', 'concat', 'stack', 'reshape', 'stridedSlice']);
      if (which === 'transpose' && a.length >= 2) {
        const perm = a.map((_, ax) => ax).reverse();
        steps.push(`transpose(#${i})`);
        plan.push((_e, pool) => pool[i]!.transpose(perm));
        poolShapes.push(perm.map((p) => a[p]!));
      } else if (which === 'slice' && a[0]! > 1) {
        const len = a[0]! - 1;
        steps.push(`slice(#${i}, 1..)`);
        plan.push((_e, pool) => pool[i]!.slice(1, len));
        poolShapes.push([len, ...a.slice(1)]);
      } else if (which === 'stack') {
        steps.push(`stack(#${i}, #${i}·0.5)`);
        plan.push((e, pool) => e.stack([pool[i]!, pool[i]!.mul(0.5)], 0));
        poolShapes.push([2, ...a]);
      } else if (which === 'reshape') {
        steps.push(`reshape(#${i}, [-1])`);
        plan.push((_e, pool) => pool[i]!.reshape([-1]));
        poolShapes.push([size(a)]);
      } else if (which === 'stridedSlice' && a.length >= 1 && a[a.length - 1]! >= 3) {
        const last = a.length - 1;
        const n2 = Math.ceil(a[last]! / 2);
        steps.push(`index every second of #${i} on its last axis`);
        plan.push((_e, pool) => pool[i]!.stridedSlice(a.map(() => 0), a.map((d) => d), a.map((_, ax) => (ax === last ? 2 : 1))));
        poolShapes.push(a.map((d, ax) => (ax === last ? n2 : d)));
      } else {
        steps.push(`concat(#${i}, #${i}·0.5, 0)`);
        plan.push((e, pool) => e.concat([pool[i]!, pool[i]!.mul(0.5)], 0));
        poolShapes.push(a.length === 0 ? [2] : [a[0]! * 2, ...a.slice(1)]);
      }
    } else if (kind === 'matmul') {
      const rows = a.length >= 2 ? a[a.length - 2]! : 1;
      const cols = a[a.length - 1]!;
      steps.push(`matmul(#${i}, tanh(#${i})ᵀ)`);
      plan.push((_e, pool) => {
        const m = pool[i]!.reshape([...a.slice(0, -2), rows, cols]);
        return m.matmul(m.tanh(), false, true);
      });
      poolShapes.push([...a.slice(0, -2), rows, rows]);
    } else if (kind === 'softmax') {
      const op = pick(['softmax', 'logSoftmax'] as const);
      steps.push(`${op}(#${i})`);
      plan.push((_e, pool) => pool[i]![op]());
      poolShapes.push([...a]);
    } else if (kind === 'pool') {
      const op = pick(['maxPool2d', 'avgPool2d'] as const);
      const padding = pick(['valid', 'same'] as const);
      const valid = a[1]! >= 2 && a[2]! >= 2;
      const usePadding = valid ? padding : 'same';
      steps.push(`${op}(#${i}, 2x2 stride 2, ${usePadding})`);
      plan.push((_e, pool) => pool[i]![op]({ poolSize: 2, strides: 2, padding: usePadding }));
      const out = (d: number): number => (usePadding === 'same' ? Math.ceil(d / 2) : Math.floor((d - 2) / 2) + 1);
      poolShapes.push([a[0]!, out(a[1]!), out(a[2]!), a[3]!]);
    } else {
      const src = poolShapes.findIndex((s) => s.length === 4 && s[3] === channels);
      const stride = pick([1, 2]);
      const padding = pick(['valid', 'same'] as const);
      const s = poolShapes[src]!;
      const fits = s[1]! >= k && s[2]! >= k;
      const pad = fits ? padding : 'same';
      const activation = pick(['linear', 'relu', 'sigmoid'] as const);
      steps.push(`conv2d(#${src}, #3, stride ${stride}, ${pad}, ${activation})`);
      plan.push((e, pool) => e.conv2d(pool[src]!, pool[3]!, { strides: stride, padding: pad, activation }));
      const out = (d: number): number => (pad === 'same' ? Math.ceil(d / stride) : Math.floor((d - k) / stride) + 1);
      poolShapes.push([s[0]!, out(s[1]!), out(s[2]!), filter[3]!]);
    }
  }
  return {
    shapes,
    description: steps.join(' → '),
    build: (e, inputs) => {
      const pool = [...inputs];
      for (const step of plan) pool.push(step(e, pool));
      // The loss mixes the last few tensors (and every input) so that most of the graph reaches it.
      let loss = pool[pool.length - 1]!.sum();
      for (const t of pool.slice(-4, -1)) loss = loss.add(t.mul(0.3).sin().sum());
      return loss;
    },
  };
}
