/**
 * Node-only: reads a height/weight CSV file. Kept apart from height_weight.ts so that browser
 * bundles of the workloads never import `node:fs`.
 */
import { readFile } from 'node:fs/promises';
import { parseHeightWeightCsv, type HeightWeightData } from './height_weight.js';

/** Reads and parses a CSV file with `Height` and `Weight` columns; errors name the file. */
export async function readHeightWeightCsv(path: string): Promise<HeightWeightData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${(err as Error).message})`);
  }
  return parseHeightWeightCsv(text, path);
}
