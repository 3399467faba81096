// Importing the op families installs their tensor methods and engine functions.
import './unary.js';
import './binary.js';
import './reduce.js';
import './matmul.js';
import './layout.js';
import './creation.js';
import './nn.js';
