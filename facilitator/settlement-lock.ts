/**
 * One settlement per authorization: the first caller for a key runs the work; callers that
 * arrive while it runs wait for that same result; callers that arrive later get the recorded
 * result. Nothing runs twice, so nothing is broadcast twice.
 *
 * Entries are kept until the authorization's validBefore (after that the chain refuses it
 * anyway) and the table has a hard size cap, so memory stays bounded. Results the caller marks
 * as not worth keeping (e.g. "nothing was broadcast, try again") are forgotten once the
 * current waiters have them, so a later retry runs afresh.
 */

export type LockOutcome = "first" | "joined" | "recorded";

interface Entry<T> {
  /** Identifies the exact request; a different request for the same key never adopts this result. */
  fingerprint: string;
  promise: Promise<T>;
  settled: boolean;
  expiresAtMs: number;
}

export interface SettlementLockOptions {
  maxEntries?: number;
  now?: () => number;
}

export class SettlementLock<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private pruneCountdown = 0;

  constructor(options: SettlementLockOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Number of remembered or running settlements. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `work` unless the same key is running or recorded. A request with the same key but a
   * different fingerprint waits for the running one, then runs its own work unrecorded (the
   * chain decides; the work must check on-chain state before broadcasting).
   */
  async run(
    key: string,
    fingerprint: string,
    expiresAtMs: number,
    work: () => Promise<T>,
    keep: (result: T) => boolean,
  ): Promise<{ result: T; outcome: LockOutcome }> {
    this.prune();
    const existing = this.entries.get(key);
    if (existing && (!existing.settled || existing.expiresAtMs > this.now())) {
      if (existing.fingerprint === fingerprint) {
        const outcome: LockOutcome = existing.settled ? "recorded" : "joined";
        return { result: await existing.promise, outcome };
      }
      await existing.promise.catch(() => undefined);
      return { result: await work(), outcome: "first" };
    }

    const entry: Entry<T> = { fingerprint, promise: work(), settled: false, expiresAtMs };
    this.entries.set(key, entry);
    try {
      const result = await entry.promise;
      entry.settled = true;
      if (!keep(result)) this.forget(key, entry);
      return { result, outcome: "first" };
    } catch (error) {
      this.forget(key, entry);
      throw error;
    }
  }

  private forget(key: string, entry: Entry<T>): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  // Map iteration is insertion order, so the cap evicts the oldest settled entries first;
  // running ones are never evicted (that would let a duplicate broadcast).
  private prune(): void {
    const now = this.now();
    if (this.entries.size < this.maxEntries && this.pruneCountdown-- > 0) return;
    this.pruneCountdown = 1_000;
    for (const [key, entry] of this.entries) {
      if (entry.settled && entry.expiresAtMs <= now) this.entries.delete(key);
    }
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries) break;
      if (entry.settled) this.entries.delete(key);
    }
  }
}
