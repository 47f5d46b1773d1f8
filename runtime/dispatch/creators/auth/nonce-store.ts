/**
 * Where sign-in nonces live between challenge and sign-in. Production keeps them in a Durable
 * Object or D1 (consume must be atomic); tests and single-process tools use the in-memory one.
 */
export interface NonceStore {
  /** Records a nonce handed out in a challenge, valid until `expiresAt`. */
  issue(nonce: string, expiresAt: Date): Promise<void>;
  /** Marks the nonce used. False if it was already used, never issued, or has expired. */
  consume(nonce: string, now: Date): Promise<boolean>;
}

/** An in-memory NonceStore: only nonces it issued can be consumed, each once. */
export function createMemoryNonceStore(): NonceStore {
  const outstanding = new Map<string, number>();
  return {
    async issue(nonce, expiresAt) {
      outstanding.set(nonce, expiresAt.getTime());
    },
    async consume(nonce, now) {
      // Consumed and expired nonces are dropped (by the caller's clock, like every other check),
      // so memory stays bounded by the challenges still open.
      for (const [open, until] of outstanding) if (until <= now.getTime()) outstanding.delete(open);
      const expiresAt = outstanding.get(nonce);
      if (expiresAt === undefined) return false;
      outstanding.delete(nonce);
      return expiresAt > now.getTime();
    },
  };
}
