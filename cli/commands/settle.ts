import { parseCommandArgs } from "../args.ts";
import { adminFetch, requireDevSettings } from "../dev-settings.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw settle

Claims every outstanding batch-settlement voucher on chain (at most 100 channels per claim
transaction) and settles each API's claimed funds into its revenue split, now, instead of waiting
for the schedule. Prints every transaction it sent.

Exit status: 0 when nothing is left outstanding (every charged voucher claimed and settled);
1 when something is still owed (a claim or settle failed; the reason is printed, and the payer
ledgers retry on their schedule).`;

interface SettleAll {
  payers: number;
  claims: Array<{ payTo: string; vouchers: number; transaction: string }>;
  settles: Array<{ payTo: string; transaction: string }>;
  refunds: Array<{ channel: string; transaction: string }>;
  errors: string[];
  outstanding: { vouchers: number; amount: string };
}

export async function runSettle(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {}, false);
  if (values.help) {
    say(HELP);
    return 0;
  }
  const run = (await adminFetch(requireDevSettings(), "/admin/settle", { method: "POST" })) as SettleAll;
  for (const claim of run.claims)
    out(`claim  ${claim.transaction}  ${claim.vouchers} channel(s) paying ${claim.payTo}`);
  for (const settle of run.settles) out(`settle ${settle.transaction}  into split ${settle.payTo}`);
  for (const refund of run.refunds) out(`refund ${refund.transaction}  channel ${refund.channel}`);
  for (const error of run.errors) say(`failed: ${error}`);
  if (!run.claims.length && !run.settles.length)
    say(`nothing to claim or settle (${run.payers} payer ledgers)`);
  if (run.outstanding.vouchers > 0) {
    say(`${run.outstanding.vouchers} voucher(s) still outstanding (${run.outstanding.amount} token units)`);
    return 1;
  }
  return 0;
}
