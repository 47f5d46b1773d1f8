-- Payouts are recorded from the chain: one row per transaction, API and recipient, so recording
-- the same withdrawal again (a retry, a second CLI run) adds nothing.
CREATE UNIQUE INDEX idx_payouts_tx_recipient ON payouts(api_slug, tx_hash, recipient);
