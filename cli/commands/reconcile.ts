import { parseCommandArgs } from "../args.ts";
import { adminFetch, requireDevSettings } from "../dev-settings.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw reconcile

Resolves payments whose settlement outcome is unknown (e.g. the facilitator timed out) by reading
the chain: a used authorization becomes settled (with its transaction), an expired unused one
failed, and a still-valid one is settled with its original authorization. Only a payment that was
sent for settlement (its call was served, or its API settles before serving) can ever be settled;
anything else is finished as failed, never charged. It never asks for a new signature. The
deployed gateway runs the same on a schedule.

Exit status: 0 when every payment it looked at was resolved or left for a later run with a reason;
1 when reconciliation could not run at all.`;

interface Outcome {
  payment: string;
  api: string;
  to: string;
  txHash: string | null;
  reason: string;
}

export async function runReconcile(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {}, false);
  if (values.help) {
    say(HELP);
    return 0;
  }
  const { outcomes } = (await adminFetch(requireDevSettings(), "/admin/reconcile", { method: "POST" })) as {
    outcomes: Outcome[];
  };
  if (!outcomes.length) say("no payments with an unknown outcome");
  for (const outcome of outcomes) {
    out(
      `${outcome.api} ${outcome.payment} → ${outcome.to}${outcome.txHash ? ` (${outcome.txHash})` : ""}: ${outcome.reason}`,
    );
  }
  const pending = outcomes.filter((outcome) => outcome.to === "unknown").length;
  if (pending) say(`${pending} still unknown; they are retried on the next run (least recently tried first)`);
  return 0;
}
