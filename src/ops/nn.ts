// Neural-network op families (issue 3): each file installs its ops.
import './conv.js';
import './pool.js';
import './normalization.js';
import './dropout.js';
import './softmax.js';
