/**
 * Compiled plans by the structure of the graph they came from (signature.ts): a loop whose body
 * repeats compiles once and afterwards only hashes and runs. Least recently used plans are freed
 * past a count or a memory budget (each plan holds the memory of its internal buffers).
 */
import type { Plan } from './plan.js';
import type { Signature } from './signature.js';

export class PlanCache {
  /** By hash; a bucket holds the plans whose signatures share it. Map order is recency. */
  private readonly plans = new Map<number, Plan[]>();
  private count = 0;
  /** Memory the cached plans hold, in bytes. */
  bytes = 0;

  constructor(
    private readonly maxPlans: number,
    private readonly maxBytes: number,
    private readonly evict: (plan: Plan) => void,
  ) {}

  /** The plan compiled for an equal signature, if cached (it becomes the most recent). */
  get(signature: Signature): Plan | undefined {
    const bucket = this.plans.get(signature.hash);
    const plan = bucket?.find((p) => p.signature.equals(signature));
    if (plan) {
      this.plans.delete(signature.hash);
      this.plans.set(signature.hash, bucket!);
    }
    return plan;
  }

  add(plan: Plan): void {
    const hash = plan.signature.hash;
    const bucket = this.plans.get(hash);
    if (bucket) {
      bucket.push(plan);
      this.plans.delete(hash);
      this.plans.set(hash, bucket);
    } else this.plans.set(hash, [plan]);
    this.count++;
    this.bytes += plan.bytes;
    // Never the plan just added: it is about to run.
    while ((this.count > this.maxPlans || this.bytes > this.maxBytes) && this.dropOldest(plan)) {
      // keep dropping
    }
  }

  /** Drops a plan (freeing it). */
  remove(plan: Plan): void {
    const hash = plan.signature.hash;
    const bucket = this.plans.get(hash);
    const at = bucket?.indexOf(plan) ?? -1;
    if (at < 0) return;
    bucket!.splice(at, 1);
    if (bucket!.length === 0) this.plans.delete(hash);
    this.count--;
    this.bytes -= plan.bytes;
    this.evict(plan);
  }

  /** Number of cached plans. */
  get size(): number {
    return this.count;
  }

  /** Frees every plan. */
  clear(): void {
    for (const bucket of this.plans.values()) for (const p of bucket) this.evict(p);
    this.plans.clear();
    this.count = 0;
    this.bytes = 0;
  }

  private dropOldest(keep: Plan): boolean {
    for (const [hash, bucket] of this.plans) {
      const victim = bucket.find((p) => p !== keep);
      if (!victim) continue;
      bucket.splice(bucket.indexOf(victim), 1);
      if (bucket.length === 0) this.plans.delete(hash);
      this.count--;
      this.bytes -= victim.bytes;
      this.evict(victim);
      return true;
    }
    return false;
  }
}
