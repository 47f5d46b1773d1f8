// Run with `node --import tsx` (as `pulumi up` runs the program): serialises the production
// providers exactly as pulumi.dynamic.Resource does and writes their module texts to a file.
// Vitest cannot do this in-process: its module transform rewrites imports inside closures.

import { writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { sharedCreatorApiProvider } from "../creator-api/creator-api.ts";
import { sharedD1MigrationsProvider } from "../d1-migrations/d1-migrations.ts";
import { sharedGatewayScriptProvider } from "../gateway-script/gateway-script.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: serialise-providers.ts <output.json>");
const serialise = async (provider: pulumi.dynamic.ResourceProvider) =>
  (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
writeFileSync(
  out,
  JSON.stringify({
    creatorApi: await serialise(sharedCreatorApiProvider()),
    d1Migrations: await serialise(sharedD1MigrationsProvider()),
    gatewayScript: await serialise(sharedGatewayScriptProvider()),
  }),
);
