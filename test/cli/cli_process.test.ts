// The bundled command line (dist/node/cli.js, what `webgpu-descent` runs) as a user runs it: a
// child process per command, tiny settings. With --json, stdout must hold one JSON document and
// nothing else; mistakes exit with 2 and a message on stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleHeightWeight, generateHeightWeight } from '../../src/workloads/data/height_weight.js';
import { leastSquaresLine } from '../../src/workloads/data/least_squares.js';
// @ts-expect-error: a plain JavaScript module without type declarations
import { buildAll } from '../../esbuild.config.mjs';
import { gpuEngine } from '../helpers/engines.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'node', 'cli.js');
let tmp: string;

beforeAll(async () => {
  // Test what ships: the esbuild bundle, rebuilt from the current sources.
  await (buildAll as () => Promise<unknown>)();
  tmp = mkdtempSync(path.join(tmpdir(), 'webgpu-descent-cli-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs with --json and returns the one JSON document on stdout. */
function runJson(...args: string[]): Record<string, unknown> {
  const r = run(...args, '--json');
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines, `stdout: ${r.stdout}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('webgpu-descent (bundled)', () => {
  it('linreg --steps 3 --json prints exactly the result document', async () => {
    await gpuEngine();
    const r = runJson('linreg', '--steps', '3');
    expect(Object.keys(r)).toEqual(['slope', 'intercept', 'loss', 'lossHistory', 'exact']);
    expect(Object.keys(r['exact'] as object)).toEqual(['slope', 'intercept', 'loss']);
    const history = r['lossHistory'] as number[];
    expect(history).toHaveLength(3);
    // The last recorded loss, computed before the final update, as the article reports it.
    expect(r['loss']).toBe(history[2]);
    expect(history[2]!).toBeLessThan(history[0]!);
    const data = articleHeightWeight();
    expect((r['exact'] as { slope: number }).slope).toBeCloseTo(leastSquaresLine(data.heights, data.weights).slope, 10);
  });

  it("linreg's defaults are the notebook's first run, and its output says how it compares", () => {
    const r = runJson('linreg');
    expect(r['notebook']).toEqual({ run: 'manual-1', printed: { slope: 5.44, intercept: -188.81, loss: 129.4 }, agrees: { slope: true, intercept: true, loss: true } });
    const text = run('linreg', '--optimizer', 'adam');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("the notebook's run adam: ours prints as 5.29, -180.77, 138.4, as the notebook printed");
  });

  it('linreg --generated fits data generated from --seed; --csv and --generated exclude each other', () => {
    const r = runJson('linreg', '--generated', '--seed', '7', '--steps', '2', '--backend', 'cpu');
    const data = generateHeightWeight(7);
    expect((r['exact'] as { slope: number }).slope).toBeCloseTo(leastSquaresLine(data.heights, data.weights).slope, 10);
    expect(r['notebook']).toBeUndefined();
    const both = run('linreg', '--generated', '--csv', 'x.csv');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('linreg: --csv and --generated both choose the data; give one');
    expect(run('linreg', '--init-slope', 'best').stderr).toContain("linreg: --init-slope must be a number or 'exact', got 'best'");
  });

  it('linreg reads a CSV (header names with spaces, other columns ignored) on the CPU backend', () => {
    const csv = path.join(tmp, 'people.csv');
    writeFileSync(csv, 'Index, Height , Weight,Note\n1,60,110,a\n2,65,140,"b, c"\n3,70,170,d\n4,75,205,e\n');
    const r = runJson('linreg', '--csv', csv, '--optimizer', 'adam', '--steps', '2', '--backend', 'cpu');
    const exact = leastSquaresLine([60, 65, 70, 75], [110, 140, 170, 205]);
    expect((r['exact'] as { slope: number }).slope).toBeCloseTo(exact.slope, 10);
    expect(r['lossHistory']).toHaveLength(2);
  });

  it('vector-spread --json prints the vectors and the angles', async () => {
    await gpuEngine();
    const r = runJson('vector-spread', '--n', '5', '--steps', '4', '--seed', '3');
    expect(Object.keys(r)).toEqual(['minAngleDeg', 'meanMinAngleDeg', 'lossHistory', 'vectors']);
    expect(r['lossHistory']).toHaveLength(4);
    const vectors = r['vectors'] as number[][];
    expect(vectors.map((v) => v.length)).toEqual([2, 2, 2, 2, 2]);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(0.999, 4);
    expect(r['minAngleDeg']).toBeGreaterThan(0);
  });

  it('attack --json attacks held-out digits with the shipped weights and writes PNGs', async () => {
    await gpuEngine();
    const out = path.join(tmp, 'pngs');
    const r = runJson('attack', '--images', '3', '--iterations', '2', '--out', out);
    expect(Object.keys(r)).toEqual(['testAccuracy', 'attacked', 'flipped', 'successRate', 'meanAbsChange', 'maxAbsChange']);
    expect(r['testAccuracy']).toBeGreaterThan(0.9);
    expect(r['maxAbsChange']).toBeLessThanOrEqual(2 + 1e-3); // two steps of 1/255
    const files = readdirSync(out);
    expect(files).toHaveLength(3 * (r['attacked'] as number));
    expect(readFileSync(path.join(out, files[0]!)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('prints help on request, and usage errors on stderr with status 2', () => {
    const help = run('linreg', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--intercept-grad-scale K');
    expect(run('--help').stdout).toContain('usage: webgpu-descent <command> [flags]');

    const typo = run('linreg', '--stpes', '3', '--json');
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toContain("webgpu-descent: linreg: unknown flag --stpes; did you mean --steps?");

    const command = run('fit');
    expect(command.status).toBe(2);
    expect(command.stderr).toContain("unknown command 'fit'; the commands are all, linreg, vector-spread, attack");

    expect(run('attack', '--epochs', '2').stderr).toContain('attack: --epochs needs --train');
    expect(run('attack', '--to', 'cat').stderr).toContain('attack: --to needs --model article');
  });

  it('says what is missing for the article attack', async () => {
    await gpuEngine();
    const r = run('attack', '--model', 'article', '--image', path.join(tmp, 'cat.jpg'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the article's classifier weights are missing/);
    const noImage = run('attack', '--model', 'article', '--weights', 'model.h5');
    expect(noImage.status).toBe(2);
    expect(noImage.stderr).toContain('--model article needs --image photo.jpg');
  });

  it('all --quick runs the main job and writes the report', async () => {
    await gpuEngine();
    const report = path.join(tmp, 'report', 'index.html');
    const r = runJson('all', '--quick', '--report', report);
    expect(r['report']).toBe(report);
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain('<h2>Vector spread</h2>');
    const checks = r['checks'] as { workload: string; run: string; ok: boolean }[];
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.workload)).toEqual([...Array(4).fill('linreg'), ...Array(8).fill('vector-spread'), 'attack']);
  });
});
