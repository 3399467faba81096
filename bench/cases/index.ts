/** Every benchmark case, kernels first, in the order they run. */
import type { BenchCase } from '../case.js';
import { adamCases } from './adam.js';
import { attackCases } from './attack.js';
import { convCases } from './conv.js';
import { elementwiseCases } from './elementwise.js';
import { linregCases } from './linreg.js';
import { matmulCases } from './matmul.js';
import { mnistTrainCases } from './mnist_train.js';
import { reduceCases } from './reduce.js';
import { vectorSpreadCases } from './vector_spread.js';

export const allCases: BenchCase[] = [
  ...matmulCases,
  ...convCases,
  ...elementwiseCases,
  ...reduceCases,
  ...adamCases,
  ...linregCases,
  ...vectorSpreadCases,
  ...attackCases,
  ...mnistTrainCases,
];
