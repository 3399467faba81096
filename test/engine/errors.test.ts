import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { backends, cpuEngine } from '../helpers/engines.js';

describe.each(backends)('misuse errors on %s', (_name, make) => {
  it('names the op and the shapes of mismatched operands', async () => {
    const e = await make();
    const a = e.tensor([1, 2, 3]);
    const b = e.tensor([1, 2]);
    expect(() => a.mul(b)).toThrow('mul: shapes [3] and [2] cannot be broadcast together');
    e.dispose([a, b]);
  });

  it('refuses to read or use a disposed tensor', async () => {
    const e = await make();
    const a = e.tensor([1, 2, 3]);
    a.dispose();
    await expect(a.data()).rejects.toThrow(/data: tensor #\d+ of shape \[3\] was disposed/);
    expect(() => a.exp()).toThrow(/exp: tensor #\d+ of shape \[3\] was disposed/);
  });

  it('refuses the gradient of a non-scalar without a seed', async () => {
    const e = await make();
    const x = e.tensor([1, 2, 3]);
    expect(() => e.valueAndGrad(() => x.square(), [x])).toThrow(
      'gradient: the target has shape [3]; reduce it to a scalar or pass a seed (dy) of that shape',
    );
    const seed = e.tensor([1, 0, 2]);
    const { value, grads } = e.valueAndGrad(() => x.square(), [x], seed);
    expect(Array.from(await grads[0]!.data())).toEqual([2, 0, 12]);
    e.dispose([x, seed, value, grads]);
  });

  it('rejects bad tensor values and shapes', async () => {
    const e = await make();
    expect(() => e.tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2]');
    expect(() => e.tensor([[1, 2], [3]])).toThrow(/not rectangular/);
    expect(() => e.tensor([1], [-1])).toThrow('tensor: invalid shape [-1]');
  });

  it('refuses to assign a value of another shape to a variable', async () => {
    const e = await make();
    const v = e.variable([1, 2], [2], { name: 'w' });
    expect(() => v.assign(e.tensor([1, 2, 3]))).toThrow("assign: variable 'w' has shape [2] but the value has shape [3]");
    v.dispose();
  });
});

describe('engines', () => {
  it('refuse to mix tensors of two engines', async () => {
    const a = (await cpuEngine()).tensor([1, 2]);
    const other = await createEngine({ backend: 'cpu' });
    const b = other.tensor([1, 2]);
    expect(() => a.add(b)).toThrow('add: tensors from two different engines cannot be mixed');
    a.dispose();
    b.dispose();
  });

  it('reject an unknown backend', async () => {
    await expect(createEngine({ backend: 'tpu' as 'cpu' })).rejects.toThrow("createEngine: unknown backend 'tpu'");
  });
});
