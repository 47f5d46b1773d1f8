import { type CheckResult, runDoctor } from "../../infra/doctor/checks.ts";
import { REPO_ROOT } from "../../local/paths.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw doctor [--stack dev] [--offline]

Checks, before \`pulumi up\`, what would make it fail, and says how to fix each problem.

Offline (also in CI, no credentials): Pulumi.<stack>.yaml is valid and deployable (no template
placeholders, no well-known development wallet, a rate limit the zone's plan allows) and every
creator API manifest of stacks/<stack>/apis/ loads.

Online (read-only calls; needs CLOUDFLARE_API_TOKEN in the environment): the token can see the
account; Workers for Platforms is enabled; the zone holds the gateway hostname and its plan is the
configured 402claw:zonePlan; no other entry-point ruleset owns the rate limit or WAF phase; the
facilitator's GET /supported lists the stack's network; the RPC serves the stack's chain.

Exit code 0 when every check passes, 1 otherwise.

Options:
  --stack <name>  stack to check (default dev)
  --offline       run the offline checks only`;

const MARK: Record<CheckResult["status"], string> = { ok: "ok  ", fail: "FAIL", skip: "skip" };

/** `402claw doctor`: pre-flight checks of a stack; exit 1 when any check fails. */
export async function runDoctorCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { stack: { type: "string", default: "dev" }, offline: { type: "boolean", default: false } },
    false,
  );
  if (values.help) {
    say(HELP);
    return 0;
  }
  const stack = values.stack ?? "dev";
  const results = await runDoctor({
    root: process.env.CLAW_ROOT ?? REPO_ROOT,
    stack,
    offline: values.offline ?? false,
    ...(process.env.CLOUDFLARE_API_TOKEN ? { token: process.env.CLOUDFLARE_API_TOKEN } : {}),
  });
  out(`402claw doctor --stack ${stack}`);
  for (const result of results) {
    out(`  ${MARK[result.status]}  ${result.name}${result.detail ? `: ${result.detail}` : ""}`);
    if (result.fix) out(`        Fix: ${result.fix}`);
  }
  const failed = results.filter((result) => result.status === "fail").length;
  out(failed ? `\n${failed} check(s) failed.` : "\nEverything checked is ready for pulumi up.");
  return failed ? 1 : 0;
}
