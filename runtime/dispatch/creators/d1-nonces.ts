/** Records a sign-in nonce until it expires; expired ones are swept on the way, so the table stays small. */
export async function issueNonce(
  db: D1Database,
  nonce: string,
  address: string,
  expiresAt: number,
  now: number,
) {
  await db.batch([
    db.prepare("DELETE FROM auth_nonces WHERE expires_at <= ?").bind(now),
    db
      .prepare("INSERT INTO auth_nonces (nonce, address, expires_at) VALUES (?, ?, ?)")
      .bind(nonce, address, expiresAt),
  ]);
}

/**
 * Uses a nonce up. One DELETE decides, so of two concurrent sign-ins with the same message
 * exactly one sees `changes === 1`; an unknown, used or expired nonce is refused.
 */
export async function consumeNonce(db: D1Database, nonce: string, now: number): Promise<boolean> {
  const result = await db
    .prepare("DELETE FROM auth_nonces WHERE nonce = ? AND expires_at > ?")
    .bind(nonce, now)
    .run();
  return result.meta.changes === 1;
}
