import { buildApi } from "../../core/build/build-api.ts";
import { bundleWorker, runtimePath } from "../../core/build/bundle.ts";
import { PLACEHOLDER_WALLET } from "../../infra/config.ts";
import { formatPlan, summarisePlan } from "../../infra/plan/format-plan.ts";
import { runProgramUnderMocks } from "../../infra/plan/run-under-mocks.ts";
import { readStackConfig } from "../../infra/plan/stack-config.ts";
import { offlineSplitPredictor, zeroXSplitsPredictor } from "../../infra/split-predictor.ts";
import { REPO_ROOT } from "../../local/paths.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw plan [--stack dev] [--json] [--predict]

Offline preview for reviewers: runs the Pulumi program (infra/index.ts) under Pulumi's mocks with
the settings of Pulumi.<stack>.yaml and prints every resource \`pulumi up\` would declare (type,
name, key arguments) and every creator API with its price, payTo and revenue split. Nothing is
contacted: no Pulumi CLI, no Cloudflare account, no credentials. Everything is built for real
(creator APIs and the platform workers), so a build error fails the plan as it would fail the deploy.

payTo is each API's 0xSplits split address. Predicting it takes one call to the network's split
factory, so offline the plan prints "<0xSplits split, predicted at deploy>" with the split's terms
(creator and platform wallets and shares), which is what decides the address. --predict asks the
stack's 402claw:rpcUrl for the real addresses (the only network use of this command).

Compare the plan of a pull request with main's: a new folder under stacks/<stack>/apis/ is
exactly one new creator API. Secrets show as [secret]; ids Cloudflare assigns are placeholders.

Options:
  --stack <name>  stack to plan (default dev; reads Pulumi.<name>.yaml and stacks/<name>/apis/)
  --json          print the plan as JSON (platform resources, creator APIs, outputs)
  --predict       predict each API's split address through 402claw:rpcUrl (needs the network)`;

const PLACEHOLDER_KEYS = ["accountId", "zoneId", "platformWallet"];
const PLACEHOLDERS = ["0".repeat(32), PLACEHOLDER_WALLET];

/** `402claw plan`: prints what `pulumi up` would declare for a stack; exit 0, or 1 on any problem. */
export async function runPlan(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      stack: { type: "string", default: "dev" },
      json: { type: "boolean", default: false },
      predict: { type: "boolean", default: false },
    },
    false,
  );
  if (values.help) {
    say(HELP);
    return 0;
  }
  const stack = values.stack ?? "dev";
  const root = process.env.CLAW_ROOT ?? REPO_ROOT;
  const config = readStackConfig(root, stack);
  // Offline by default so a plan is reproducible and CI needs no RPC; the terms decide the address.
  const splitPredictor = values.predict
    ? zeroXSplitsPredictor({
        network: config.values["402claw:network"] ?? "",
        rpcUrl: config.values["402claw:rpcUrl"] ?? "",
      })
    : offlineSplitPredictor();
  const { resources, outputs } = await runProgramUnderMocks({
    splitPredictor,
    root,
    stack,
    values: config.values,
    secretKeys: config.secretKeys,
    bundle: (entry) => bundleWorker(runtimePath(entry), { label: `runtime/${entry}` }),
    build: buildApi,
    // A fresh fork can be planned before it has an account: the template's zeros are accepted
    // here only (pulumi up refuses them); the note below says so.
    allowPlaceholders: true,
  });
  if (values.json) {
    out(
      JSON.stringify(
        { stack, ...summarisePlan(resources), payToSource: splitPredictor.source, outputs },
        null,
        2,
      ),
    );
  } else {
    out(formatPlan(stack, resources, outputs, splitPredictor.source));
  }
  const failed = Object.entries((outputs.failedApis ?? {}) as Record<string, string>);
  for (const [slug, reason] of failed) say(`\ncreator API ${slug} did not build: ${reason}`);
  const placeholders = PLACEHOLDER_KEYS.filter((key) =>
    PLACEHOLDERS.includes(config.values[`402claw:${key}`] ?? ""),
  );
  if (placeholders.length) {
    say(
      `\nnote: Pulumi.${stack}.yaml still has the template's placeholder ${placeholders.join(", ")}; \`pulumi up\` refuses them until you set yours.`,
    );
  }
  // A build error fails the plan as it fails that API's deploy (the others still deploy).
  return failed.length ? 1 : 0;
}
