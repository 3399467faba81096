/**
 * The library's Node entry (package.json `exports`, bundled to dist/node/index.js): everything of
 * src/index.ts, with Node's host platform installed (Dawn as the GPU; care for software adapters).
 */
import './backend/webgpu/node/install.js';

export * from './index.js';
