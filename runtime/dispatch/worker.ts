import webAssets from "402claw:web-assets";
import { createDispatchApp } from "./app.ts";

/** The payer ledger Durable Object class is exported by the dispatch script (one per payer address). */
export { PayerLedger } from "../ledger/payer-ledger.ts";

import { reconcileUnknownPayments } from "./admin/reconcile.ts";
import type { DispatchEnv } from "./env.ts";
import { dispatchSettings } from "./settings.ts";

const app = createDispatchApp({ webAssets });

/** The dispatch worker: every request to the marketplace enters here; a cron reconciles `unknown` payments. */
export default {
  fetch: app.fetch,
  scheduled(_controller: ScheduledController, env: DispatchEnv, ctx: ExecutionContext) {
    // The same fail-closed check as every request: a bad setting stops the run, naming it.
    dispatchSettings(env);
    ctx.waitUntil(
      reconcileUnknownPayments(env).then((outcomes) => console.log(`reconciled ${outcomes.length} payments`)),
    );
  },
} satisfies ExportedHandler<DispatchEnv>;
