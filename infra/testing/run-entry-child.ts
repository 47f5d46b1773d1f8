// Loads infra/index.ts (the entry point Pulumi runs) under mocks with the dev stack file, calls
// its default export as Pulumi's run.js does, and prints the declared resources as JSON.

import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../plan/stack-config.ts";
import { REPO_ROOT } from "./program-fixture.ts";

const resources: Array<{ type: string; name: string }> = [];
const { values, secretKeys } = readStackConfig(REPO_ROOT, "dev");
pulumi.runtime.setAllConfig(values, secretKeys);
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      resources.push({ type: args.type, name: args.name });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "402claw",
  "dev",
  true,
);
const entry = await import("../index.ts");
const outputs = await entry.default();
const gatewayUrl = await new Promise((resolve) => pulumi.output(outputs.gatewayUrl).apply(resolve));
await pulumi.runtime.disconnect();
process.stdout.write(JSON.stringify({ exports: Object.keys(entry), gatewayUrl, resources }));
