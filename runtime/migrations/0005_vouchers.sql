-- batch-settlement: every charged voucher, copied from the payer ledgers (off the request path).
-- A voucher moves charged (served, owed) → claimed (on chain, by claim_tx) → settled (paid into the
-- API's split by settle_tx). amount_atomic is what that call added to its channel's running total.
CREATE TABLE vouchers (
  channel_id TEXT NOT NULL,
  cumulative_atomic INTEGER NOT NULL,             -- the channel's charged total after this voucher
  api_slug TEXT NOT NULL REFERENCES apis(slug),
  payer TEXT NOT NULL,
  pay_to TEXT NOT NULL,
  amount_atomic INTEGER NOT NULL,
  network TEXT NOT NULL,
  asset TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('charged', 'claimed', 'settled')),
  claim_tx TEXT,
  settle_tx TEXT,
  created_at INTEGER NOT NULL,                    -- unix ms
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, cumulative_atomic)
);
CREATE INDEX idx_vouchers_api_state ON vouchers(api_slug, state);

-- Which payer ledger holds each channel: written when a channel is first recorded, so the
-- operator's `402claw settle` and the cron reach every ledger that may owe a claim.
CREATE TABLE payer_channels (
  channel_id TEXT PRIMARY KEY,
  payer TEXT NOT NULL,
  pay_to TEXT NOT NULL,
  created_at INTEGER NOT NULL                     -- unix ms
);
CREATE INDEX idx_payer_channels_payer ON payer_channels(payer);
