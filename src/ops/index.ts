// Importing the op families installs their tensor methods and engine functions.
import './unary.js';
import './binary.js';
import './reduce.js';
import './reduce_prod.js';
import './reduce_stats.js';
import './matmul.js';
import './layout.js';
import './slice.js';
import './join.js';
import './gather.js';
import './creation.js';
import './random.js';
import './nn.js';
// Last: the table of every op's backward rule, gathered from the families above.
import './gradients.js';
