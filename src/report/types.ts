/** What the report is made from: the results of the workloads the main job ran. */
import type { AttackResult } from '../workloads/attack/attack.js';
import type { HeightWeightData } from '../workloads/data/height_weight.js';
import type { LinearRegressionResult } from '../workloads/linreg.js';
import type { VectorSpreadResult } from '../workloads/vector_spread/run.js';

/** A result and the wall time it took. */
export interface Timed<T> {
  result: T;
  seconds: number;
}

/** The MNIST attack and how its classifier was obtained. */
export interface AttackReport {
  result: AttackResult;
  /** Accuracy on all held-out test digits. */
  testAccuracy: number;
  /** How many held-out digits that accuracy is over. */
  heldOut: number;
  /** Where the weights came from, in words. */
  classifier: string;
}

/** Everything `renderReport` shows; each workload's part is optional. */
export interface ReportData {
  /** The adapter the kernels ran on, in words. */
  adapter: string;
  /** When the results were made. */
  createdAt: Date;
  /** Fits of one data set with different optimizers. */
  linreg?: { data: HeightWeightData; runs: Timed<LinearRegressionResult>[] };
  /** Spreads for several losses and dimensions. */
  vectorSpread?: Timed<VectorSpreadResult>[];
  attack?: Timed<AttackReport>;
  /** A summary table (header, rows) shown at the top, as the command line prints it. */
  summary?: { header: string[]; rows: string[][] };
}
