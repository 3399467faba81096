// examples/*.ts run as `npm run example -- <name> --quick` runs them: bundled with esbuild, then
// a node process each. They must finish and print what they promise.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without type declarations
import { buildExample, exampleNames } from '../../examples/run.mjs';
import { gpuEngine } from '../helpers/engines.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function runExample(name: string): Promise<string> {
  await gpuEngine();
  const bundle = await (buildExample as (n: string) => Promise<string>)(name);
  const r = spawnSync(process.execPath, [bundle, '--quick'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${name}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('examples', () => {
  it('are the three workloads', () => {
    expect((exampleNames as () => string[])()).toEqual(['adversarial_attack', 'linear_regression', 'vector_spread']);
  });

  it('linear_regression: manual steps, then RMSprop and Adam, beside the exact line', async () => {
    const out = await runExample('linear_regression');
    for (const name of ['manual steps:', 'RMSprop:', 'Adam:', 'least squares:']) expect(out).toContain(name);
    const losses = [...out.matchAll(/step (\d+): loss ([\d.]+)/g)].map((m) => Number(m[2]));
    expect(losses.length).toBeGreaterThanOrEqual(2);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it("vector_spread: each loss widens the smallest angle, the article's three and the project's own", async () => {
    const out = await runExample('vector_spread');
    const runs = [...out.matchAll(/^(.+?) +min angle ([\d.]+)° -> ([\d.]+)°/gm)];
    expect(runs.map((m) => m[1])).toEqual(['min angle', 'min angle + variance', 'force', 'soft max of cosines']);
    for (const m of runs) expect(Number(m[3])).toBeGreaterThan(Number(m[2]));
  });

  it('adversarial_attack: the shipped classifier reads the digits, and the attack flips them', async () => {
    const out = await runExample('adversarial_attack');
    const lines = [...out.matchAll(/^digit (\d): read as (\d) .* -> (\d|still)/gm)];
    expect(lines).toHaveLength(1);
    for (const [, digit, readAs] of lines) expect(readAs).toBe(digit);
    expect(lines[0]![3]).not.toBe('still');
  });
});
