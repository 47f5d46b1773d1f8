import webAssets from "402claw:web-assets";
import { createDispatchApp } from "./app.ts";

/** The payer ledger Durable Object class is exported by the dispatch script (one per payer address). */
export { PayerLedger } from "../ledger/payer-ledger.ts";

import { reconcileUnknownPayments } from "./admin/reconcile.ts";
import { settleAllChannels } from "./admin/settle.ts";
import type { DispatchEnv } from "./env.ts";
import { dispatchSettings } from "./settings.ts";

const app = createDispatchApp({ webAssets });

/** The dispatch worker: every request to the marketplace enters here; a cron reconciles `unknown` payments and settles batch-settlement channels. */
export default {
  fetch: app.fetch,
  scheduled(_controller: ScheduledController, env: DispatchEnv, ctx: ExecutionContext) {
    // The same fail-closed check as every request: a bad setting stops the run, naming it.
    dispatchSettings(env);
    ctx.waitUntil(
      reconcileUnknownPayments(env).then((outcomes) => console.log(`reconciled ${outcomes.length} payments`)),
    );
    // The cron claims across payers (many payers' channels per transaction) once their oldest
    // voucher is half a settle interval old, which is before each payer ledger's own alarm would
    // claim it alone: the alarms remain the guarantee that a claim lands within the interval.
    const settings = dispatchSettings(env);
    if (settings.receiverAuthorizerKey)
      ctx.waitUntil(
        settleAllChannels(env, { minVoucherAgeMs: (settings.settleIntervalSeconds * 1000) / 2 }).then((run) =>
          console.log(`batch settlement: ${run.claims.length} claims, ${run.settles.length} settles`),
        ),
      );
  },
} satisfies ExportedHandler<DispatchEnv>;
