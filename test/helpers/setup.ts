// Runs before every test file. Nothing global is needed yet beyond importing the library once.
import '../../src/index.js';
