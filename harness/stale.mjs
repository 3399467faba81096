// Whether a built file is older than its sources (harness/run.mjs and serve.mjs rebuild then).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Whether `file` is missing or older than any file under `dirs`. */
export function isStale(file, dirs) {
  let built;
  try {
    built = statSync(file).mtimeMs;
  } catch {
    return true;
  }
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((d) => {
      const p = path.join(dir, d.name);
      return d.isDirectory() ? newer(p) : statSync(p).mtimeMs > built;
    });
  return dirs.some(newer);
}
