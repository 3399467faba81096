import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dense, Sequential, loadSafetensors, readBytes, readSafetensors, resetLayerNames, saveSafetensors, type Engine, type TensorToSave } from '../../src/index.js';
import { backends } from '../helpers/engines.js';

/** A safetensors file from raw parts: header entries in order, each with its bytes. */
function rawFile(entries: [string, string, number[], Uint8Array][], pad = true): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, dtype, shape, bytes] of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  if (pad) json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const [, , , bytes] of entries) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

describe('safetensors', () => {
  it('round-trips float32 tensors and metadata; the data starts 8-byte aligned', () => {
    const tensors = new Map([
      ['conv/kernel', { shape: [2, 1, 3], data: new Float32Array([1, -2, 3.5, 1e-30, -0, Infinity]) }],
      ['scalar', { shape: [], data: new Float32Array([7]) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = saveSafetensors(tensors, { framework: 'test' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const { tensors: back, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ framework: 'test' });
    expect([...back.keys()]).toEqual(['conv/kernel', 'scalar', 'empty']);
    for (const [name, t] of tensors) expect(back.get(name)).toEqual({ dtype: 'F32', shape: t.shape, data: t.data });
    // A subarray at an odd offset of a bigger buffer reads the same.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(loadSafetensors(shifted.subarray(3)).get('conv/kernel')!.data).toEqual(tensors.get('conv/kernel')!.data);
  });

  it('reads F16, BF16, F64 and integer tensors as float32', () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x8000]);
    const bf16 = new Uint16Array([0x3f80, 0xc040, 0x3eaa, 0x7f80]);
    const file = rawFile([
      ['h', 'F16', [2, 4], bytesOf(f16)],
      ['b', 'BF16', [4], bytesOf(bf16)],
      ['d', 'F64', [3], bytesOf(new Float64Array([0.1, -1e300, 2.5]))],
      ['i', 'I32', [3], bytesOf(new Int32Array([-7, 0, 2 ** 24 + 1]))],
      ['u', 'U8', [2], new Uint8Array([0, 255])],
      ['q', 'I64', [1], bytesOf(new BigInt64Array([-5n]))],
      ['flag', 'BOOL', [2], new Uint8Array([1, 0])],
    ], false);
    const t = loadSafetensors(file);
    expect(t.get('h')!.dtype).toBe('F16');
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24), Infinity, -Infinity, NaN, -0]);
    expect(Array.from(t.get('b')!.data)).toEqual([1, -3, Math.fround(0.33203125), Infinity]);
    expect(Array.from(t.get('d')!.data)).toEqual([Math.fround(0.1), -Infinity, 2.5]);
    expect(Array.from(t.get('i')!.data)).toEqual([-7, 0, 2 ** 24]);
    expect(Array.from(t.get('u')!.data)).toEqual([0, 255]);
    expect(Array.from(t.get('q')!.data)).toEqual([-5]);
    expect(Array.from(t.get('flag')!.data)).toEqual([1, 0]);
  });

  it('explains malformed files', () => {
    expect(() => loadSafetensors(new Uint8Array(4))).toThrow(/4 bytes is too short/);
    const tooLong = new Uint8Array(16);
    new DataView(tooLong.buffer).setBigUint64(0, 100n, true);
    expect(() => loadSafetensors(tooLong)).toThrow(/the header claims 100 bytes but the file has 8/);
    const notJson = new Uint8Array(12);
    new DataView(notJson.buffer).setBigUint64(0, 4n, true);
    notJson.set(new TextEncoder().encode('{no '), 8);
    expect(() => loadSafetensors(notJson)).toThrow(/the header is not valid JSON/);
    expect(() => loadSafetensors(rawFile([['x', 'F32', [3], new Uint8Array(8)]]))).toThrow(
      /tensor 'x': data_offsets \[0, 8\] do not hold 12 bytes of F32 \[3\]/,
    );
    expect(() => loadSafetensors(rawFile([['x', 'C64', [1], new Uint8Array(8)]]))).toThrow(/tensor 'x': unsupported dtype C64/);
    expect(() => saveSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/tensor 'x' has 3 values for shape \[2,2\]/);
  });
});

describe.each(backends)('model weights as safetensors on %s', (_name, engine) => {
  beforeEach(() => resetLayerNames());

  const model = (e: Engine, seed: number, units = 3): Sequential =>
    new Sequential([new Dense({ units: 4, inputShape: [5], activation: 'relu' }), new Dense({ units })], { seed }).build(undefined, e);

  it('saves and loads by name, and reports mismatches without changing anything', async () => {
    const e = await engine();
    const source = model(e, 1);
    const bytes = await source.saveWeights();
    const stored = loadSafetensors(bytes);
    expect([...stored.keys()]).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    resetLayerNames();
    const target = model(e, 2);
    expect(await target.getWeights()).not.toEqual(await source.getWeights());
    await target.loadWeights(bytes);
    expect(await target.getWeights()).toEqual(await source.getWeights());

    resetLayerNames();
    const other = model(e, 3, 6);
    const before = await other.getWeights();
    await expect(other.loadWeights(bytes)).rejects.toThrow(
      /the safetensors file does not match model 'sequential(_\d+)?':\n {2}- 'dense_1\/kernel' has shape \[4,3\] in the file, \[4,6\] in the model\n {2}- 'dense_1\/bias' has shape \[3\] in the file, \[6\] in the model/,
    );
    const extra = saveSafetensors(new Map<string, TensorToSave>([...stored, ['head/kernel', { shape: [1], data: new Float32Array(1) }]]));
    const fewer = saveSafetensors(new Map([...stored].slice(1)));
    await expect(target.loadWeights(extra)).rejects.toThrow(/unexpected in the file: 'head\/kernel'/);
    await target.loadWeights(extra, { strict: false });
    await expect(target.loadWeights(fewer)).rejects.toThrow(/missing 'dense\/kernel' \[5,4\]/);
    expect(await other.getWeights()).toEqual(before);
    await expect(new Sequential([new Dense({ units: 2 })], { name: 'lazy' }).loadWeights(bytes)).rejects.toThrow(
      /loadWeights: model 'lazy' is not built \(dense_\d+\); build it for an input shape on an engine first/,
    );
    const noEngine = new Sequential([new Dense({ units: 4, inputShape: [5] })]);
    await expect(noEngine.loadWeights(bytes)).rejects.toThrow(/the weights do not exist yet/);
    for (const m of [source, target, other]) m.dispose();
  });
});

describe('reading weight files', () => {
  it('takes bytes, buffers, blobs, responses, paths and file: URLs', async () => {
    const bytes = saveSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } }) as Uint8Array<ArrayBuffer>;
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    const path = join(dir, 'w.safetensors');
    writeFileSync(path, bytes);
    const sources = [bytes, bytes.slice().buffer, new Blob([bytes]), new Response(bytes), path, pathToFileURL(path), pathToFileURL(path).href];
    for (const source of sources) expect(await readBytes(source)).toEqual(bytes);
    await expect(readBytes(new Response('nope', { status: 404, statusText: 'Not Found' }))).rejects.toThrow(/HTTP 404 Not Found/);
    await expect(readBytes(join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
    rmSync(dir, { recursive: true, force: true });
  });
});
