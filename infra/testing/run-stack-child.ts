// Runs the program under mocks in its own process (started with `node --import tsx`), because
// Pulumi must serialise the dynamic providers and vitest's module transform makes closures
// unserialisable. Prints { resources, outputs } or { error } as JSON on stdout.

import { runStack } from "./program-fixture.ts";

const [root, stack, overrides, options] = process.argv.slice(2);
try {
  const result = await runStack(root!, stack!, JSON.parse(overrides ?? "{}"), JSON.parse(options ?? "{}"));
  process.stdout.write(JSON.stringify(result));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
}
