-- What a function API declares about its input and output (api.yaml `method`, `input`, `output`),
-- for /openapi.json, the MCP tools and the 402's Bazaar block. Data APIs derive theirs from columns.
ALTER TABLE apis ADD COLUMN http_method TEXT NOT NULL DEFAULT 'GET' CHECK (http_method IN ('GET', 'POST'));
ALTER TABLE apis ADD COLUMN input_schema_json TEXT;
ALTER TABLE apis ADD COLUMN response_schema_json TEXT;
