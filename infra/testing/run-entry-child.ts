// Loads infra/index.ts (the entry point Pulumi runs) under mocks with the dev stack file, calls
// its default export as Pulumi's run.js does, and prints the declared resources as JSON. The
// production split predictor runs for real over HTTP, against a FAKE JSON-RPC endpoint on
// 127.0.0.1 (402claw:rpcUrl is pointed at it) that plays Base Sepolia's 0xSplits factory.

import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../plan/stack-config.ts";
import { fakeSplitRpc } from "./fake-split-rpc.ts";
import { FILLED_IN, REPO_ROOT } from "./program-fixture.ts";

const resources: Array<{ type: string; name: string; payTo?: string }> = [];
const { values, secretKeys } = readStackConfig(REPO_ROOT, "dev");
const rpc = await fakeSplitRpc(84532);
pulumi.runtime.setAllConfig({ ...values, ...FILLED_IN, "402claw:rpcUrl": rpc.url }, secretKeys);
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      resources.push({ type: args.type, name: args.name, payTo: args.inputs.payTo });
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
await rpc.close();
process.stdout.write(
  JSON.stringify(
    { exports: Object.keys(entry), gatewayUrl, resources, factoryCalls: rpc.calls },
    (_key, value) => (typeof value === "bigint" ? value.toString() : value),
  ),
);
