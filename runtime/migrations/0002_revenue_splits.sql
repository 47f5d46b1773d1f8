-- Revenue splits and creator sign-in.

-- Each API's split terms, so stats can show the creator's share and the platform's fee.
ALTER TABLE apis ADD COLUMN platform_fee_bps INTEGER NOT NULL DEFAULT 0 CHECK (platform_fee_bps BETWEEN 0 AND 10000);
ALTER TABLE apis ADD COLUMN split_kind TEXT;   -- '0xsplits-v2' in production, 'local-payment-splitter' locally

-- One-time sign-in nonces (SIWE): a nonce is deleted when used, so a signed message serves once.
CREATE TABLE auth_nonces (
  nonce TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  expires_at INTEGER NOT NULL                    -- unix ms
);
CREATE INDEX idx_auth_nonces_expiry ON auth_nonces(expires_at);
