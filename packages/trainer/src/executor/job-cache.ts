/**
 * What a worker (or the coordinator's in-process executor) keeps between jobs of ONE call
 * sequence, e.g. a TRPO meta-step's Fisher operators and task tensors, which its many jobs
 * would otherwise rebuild every time. Entries belong to a call id; the first job of another call
 * id, or of a kind that does not cache, frees them all, so at most one meta-step's entries are
 * alive. A cache miss rebuilds from the job's own inputs: jobs stay pure functions of their
 * inputs, and the cache changes their speed, never their numbers.
 */
export class JobCache {
  private call: string | undefined;
  private readonly entries = new Map<string, { value: unknown; dispose: () => void }>();

  /** The value of `key` within `call`, built (and owned by the cache) on a miss. */
  get<V>(call: string, key: string, build: () => V, dispose: (value: V) => void): V {
    if (call !== this.call) {
      this.clear();
      this.call = call;
    }
    const hit = this.entries.get(key);
    if (hit) return hit.value as V;
    const value = build();
    this.entries.set(key, { value, dispose: () => dispose(value) });
    return value;
  }

  /** Entries alive (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Frees every entry. */
  clear(): void {
    for (const e of this.entries.values()) e.dispose();
    this.entries.clear();
    this.call = undefined;
  }
}
