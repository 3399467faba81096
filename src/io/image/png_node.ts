/** Writing PNG files in Node (the encoder itself, png.ts, also runs in browsers). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng, type NamedImage } from './png.js';

export type { NamedImage } from './png.js';

/** Writes each image as `dir/<name>` (the folder is created if needed); returns the paths. */
export async function writeImagesPng(dir: string, images: readonly NamedImage[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const { name, image } of images) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`writeImagesPng: '${name}' is not a plain file name`);
    const path = join(dir, name);
    await writeFile(path, encodePng(image));
    paths.push(path);
  }
  return paths;
}
