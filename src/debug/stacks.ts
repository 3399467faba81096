/**
 * The user's part of the current JavaScript stack: the frames outside this library, for errors
 * that point at the line that called an op (the NaN tracer's). Only taken while a debug mode is
 * on: a stack costs microseconds.
 */

/** Where this library's code lives: its source folder, or the bundle file it was built into. */
function libraryLocation(): string {
  const here = import.meta.url.replace(/^file:\/\//, '');
  const src = here.lastIndexOf('/src/debug/');
  return src >= 0 ? here.slice(0, src + '/src/'.length) : here;
}

const library = libraryLocation();

/** Frames of the JavaScript runtime itself (node:internal/...). */
const runtimeFrame = /\((node|internal)[:/]|^\s*at (node|internal)[:/]/;

/**
 * Up to `frames` lines ("    at f (file:line:column)") of the caller's stack outside the library.
 * Where the library was bundled into the same file as its caller, every frame looks like the
 * library's: then the frames after the op's own are given as they are.
 */
export function userStack(frames = 6): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const raw = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  // V8 starts with the message line ("Error", "Error: "); other engines give frames only.
  const lines = raw.split('\n').filter((line) => line.trim() !== '' && !/^\s*Error(:.*)?$/.test(line) && !runtimeFrame.test(line));
  const user = lines.filter((line) => !line.replace(/file:\/\//g, '').includes(library));
  return (user.length > 0 ? user.slice(0, frames) : lines.slice(3, 3 + 2 * frames)).join('\n');
}
