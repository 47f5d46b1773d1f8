-- 402claw platform schema. D1 is the catalog and the aggregated ledger; live payment state is
-- in each payer's Durable Object and reaches `payments` in batches, off the request path.

-- Creators are wallets: no passwords, no API keys.
CREATE TABLE creators (
  address TEXT PRIMARY KEY,                       -- EIP-55 checksummed wallet
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TABLE apis (
  slug TEXT PRIMARY KEY,                          -- first path segment and namespace script name
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('data', 'function')),
  owner TEXT NOT NULL REFERENCES creators(address),
  price_usd TEXT NOT NULL,                        -- as written in the manifest, e.g. "$0.001"
  price_atomic INTEGER NOT NULL CHECK (price_atomic > 0), -- token units (6 decimals)
  pay_to TEXT NOT NULL,                           -- the API's split address (creator + platform)
  worker_name TEXT NOT NULL,
  settle_mode TEXT NOT NULL DEFAULT 'after' CHECK (settle_mode IN ('after', 'before')),
  limits_json TEXT NOT NULL DEFAULT '{}',
  egress_json TEXT NOT NULL DEFAULT '[]',
  tags_json TEXT NOT NULL DEFAULT '[]',
  example TEXT,
  output_schema_json TEXT,                        -- for discovery (x402 Bazaar)
  content_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX idx_apis_owner ON apis(owner);

-- Every price an API has had, so a caller who paid a quote just before a change is honoured.
CREATE TABLE api_prices (
  slug TEXT NOT NULL REFERENCES apis(slug),
  price_atomic INTEGER NOT NULL,
  pay_to TEXT NOT NULL,
  effective_from INTEGER NOT NULL,                -- unix seconds
  PRIMARY KEY (slug, effective_from)
);

-- One row per payment authorization (payer + EIP-3009 nonce), copied from the payer ledgers.
CREATE TABLE payments (
  id TEXT PRIMARY KEY,                            -- "<payer>:<nonce>"
  api_slug TEXT NOT NULL REFERENCES apis(slug),
  payer TEXT NOT NULL,
  nonce TEXT NOT NULL,
  pay_to TEXT NOT NULL,
  amount_atomic INTEGER NOT NULL,
  network TEXT NOT NULL,
  asset TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('verified', 'served', 'settling', 'settled', 'failed', 'unknown')),
  tx_hash TEXT,
  response_status INTEGER,
  latency_ms INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,                    -- unix ms
  updated_at INTEGER NOT NULL,
  UNIQUE (payer, nonce)
);
CREATE INDEX idx_payments_api_time ON payments(api_slug, created_at);
CREATE INDEX idx_payments_state ON payments(state);

-- Hourly roll-up per API: what the catalog and stats read.
CREATE TABLE usage (
  api_slug TEXT NOT NULL REFERENCES apis(slug),
  hour INTEGER NOT NULL,                          -- unix seconds, truncated to the hour
  calls INTEGER NOT NULL DEFAULT 0,
  paid_calls INTEGER NOT NULL DEFAULT 0,
  failed_calls INTEGER NOT NULL DEFAULT 0,
  revenue_atomic INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (api_slug, hour)
);

CREATE TABLE payouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  api_slug TEXT NOT NULL REFERENCES apis(slug),
  recipient TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('creator', 'platform')),
  amount_atomic INTEGER NOT NULL,
  tx_hash TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'failed')),
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  confirmed_at INTEGER
);
CREATE INDEX idx_payouts_api ON payouts(api_slug, created_at);
