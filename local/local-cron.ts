import type { Miniflare } from "miniflare";
import { DEFAULT_GATEWAY_CRON } from "../core/gateway-cron.ts";

/**
 * Runs the gateway's scheduled handler every `everyMs`, as Cloudflare's Cron Trigger does in
 * production: payments whose settlement outcome is unknown are reconciled against the chain, and
 * batch-settlement channels are claimed across payers. One run at a time: a tick that finds the
 * last run still going is skipped.
 */
export function startLocalCron(mf: Miniflare, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = mf
      .getWorker("dispatch")
      .then((worker) => worker.scheduled({ cron: DEFAULT_GATEWAY_CRON, scheduledTime: new Date() }))
      .then(
        (result) => {
          if (result.outcome !== "ok")
            console.error(`402claw: the gateway's cron run ended: ${result.outcome}`);
        },
        (error: unknown) => console.error("402claw: the gateway's cron run failed", error),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
