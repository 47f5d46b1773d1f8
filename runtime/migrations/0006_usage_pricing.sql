-- Usage pricing (api.yaml `pricePerRow` for data APIs, `pricing: usage` for functions): how a call is
-- charged at most `price_atomic`. NULL: a fixed price. JSON of core/usage-pricing.ts's UsagePricing.
ALTER TABLE apis ADD COLUMN pricing_json TEXT;
