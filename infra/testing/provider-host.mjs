// Loads a serialised provider the way Pulumi's dynamic-provider host does (require-from-string,
// plain node: no tsx loader, no vitest) and runs a list of calls against it.
// Usage: node provider-host.mjs <serialised.json> <key> <calls.json>; prints the results as JSON.

import { readFileSync } from "node:fs";
import requireFromString from "require-from-string";

const [file, key, callsFile] = process.argv.slice(2);
const text = JSON.parse(readFileSync(file, "utf8"))[key];
const provider = requireFromString(text).handler();
const results = [];
for (const { method, args } of JSON.parse(readFileSync(callsFile, "utf8"))) {
  try {
    results.push({ ok: await provider[method](...args) });
  } catch (error) {
    results.push({ error: error.message, id: error.id ?? null });
  }
}
process.stdout.write(JSON.stringify(results));
