import { buildStackApis, failureOf } from "../../core/build/build-stack.ts";
import { secretsWithoutValue, stackApiSecrets } from "../../infra/api-secrets.ts";
import { projectRoot } from "../../local/paths.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw validate [--stack dev]

Validates every stacks/<stack>/apis/<slug>/api.yaml against the manifest schema and builds every
API (bundles code, parses data) with the same code the deploy uses, then loads every function in
workerd (a module exporting none of the supported forms is refused). Each declared secret needs a
value in Pulumi.<stack>.yaml (402claw:apiSecrets.<slug>.<NAME>) or the API folder's .dev.vars. Exit 1 with one line per
problem (file, field, what is wrong, how to fix it); exit 0 with a one-line summary otherwise.`;

export async function runValidate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { stack: { type: "string", default: "dev" } }, false);
  if (values.help) {
    say(HELP);
    return 0;
  }
  const stack = values.stack ?? "dev";
  const root = projectRoot();
  const { built: builds, failures } = await buildStackApis(root, stack);
  // A declared secret needs a value: in the stack's Pulumi config (deploys) or .dev.vars (local).
  const stackSecrets = stackApiSecrets(root, stack);
  const built = builds.filter(({ api }) => {
    try {
      const problems = secretsWithoutValue(api, stackSecrets);
      failures.push(...problems.map((problem) => failureOf(api.manifest.slug, problem)));
      return problems.length === 0;
    } catch (error) {
      failures.push(failureOf(api.manifest.slug, error));
      return false;
    }
  });
  if (failures.length) {
    for (const failure of failures) say(failure.message);
    const failing = [...new Set(failures.map((failure) => failure.api))];
    say(
      `\n${failures.length} problem${failures.length === 1 ? "" : "s"} in stack '${stack}' (failing: ${failing.join(", ")}).`,
    );
    return 1;
  }
  out(
    `stack '${stack}': ${built.length} API${built.length === 1 ? "" : "s"} valid and built (${built.map((b) => b.api.manifest.slug).join(", ") || "none"})`,
  );
  return 0;
}
