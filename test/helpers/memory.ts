import type { Engine } from '../../src/index.js';

/** Live memory once the unreachable tensors of earlier tests are collected, so only new ones show. */
export async function settledMemory(e: Engine): Promise<ReturnType<Engine['memory']>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  await e.flush();
  let last = e.memory();
  for (let i = 0; i < 10 && gc; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = e.memory();
    if (i > 0 && now.tensors === last.tensors) break;
    last = now;
  }
  return e.memory();
}
