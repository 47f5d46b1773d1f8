/** How to fix each manifest field, shown after the problem in every manifest error. */
export const FIELD_FIXES: Record<string, string> = {
  slug: "use the folder's name, e.g. slug: my-api (lowercase letters, digits, dashes)",
  title: "add a short human title, e.g. title: World Cities",
  description: "add one or two sentences saying what the API returns",
  owner: "set owner to the creator's checksummed wallet address (0x followed by 40 hex digits)",
  price: 'write the price per call in USD as a quoted string, e.g. price: "$0.001"',
  pricing:
    "use pricing: fixed (every call pays price, the default) or pricing: usage (a call pays what it used, at most price)",
  pricePerRow:
    'give a data API\'s USD price per returned row, at most price (then the most one call costs), e.g. pricePerRow: "$0.0001"',
  kind: "set kind: data (a CSV/JSON table) or kind: function (a TS/JS module or a Python file)",
  source:
    "name the data or code file in this folder, e.g. source: data.csv, source: handler.ts or source: handler.py",
  settle:
    "use settle: after (default, charge only successful responses) or settle: before (charge first, for side effects)",
  platformFeeBps:
    "give the platform's share in basis points within the stack's bounds, e.g. platformFeeBps: 800 (8%), or leave it out",
  limits: "use limits: { cpuMs: 50, ratePerMinute: 600 } with positive integers",
  egress: "list the hostnames the function may call, e.g. egress: [api.example.com]",
  secrets:
    "list the names of the secrets the function reads, e.g. secrets: [UPSTREAM_KEY]; values go in Pulumi secret config and, locally, in the folder's .dev.vars",
  tags: "use a list of short lowercase words, e.g. tags: [geo, reference]",
  method: "use method: GET (input as query parameters, the default) or method: POST (input as a JSON body)",
  input:
    "describe the arguments as a JSON Schema object, e.g. input: { type: object, properties: { q: { type: string } }, required: [q] }",
  output:
    "describe the response body as a JSON Schema, e.g. output: { type: object, properties: { total: { type: number } } }",
  example: 'give a path and query relative to the API, e.g. example: "?limit=5"',
};

export function fixFor(field: string): string {
  const top = field.split(/[.[]/)[0] ?? field;
  return (
    FIELD_FIXES[top] ?? `remove the unknown field '${top}' (allowed: ${Object.keys(FIELD_FIXES).join(", ")})`
  );
}
