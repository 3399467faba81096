// Runs before every test file: the library's Node entry, which installs Dawn as the GPU (src/node.ts).
import '../../src/node.js';
