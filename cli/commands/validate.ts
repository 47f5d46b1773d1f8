import { buildStackApis } from "../../core/build/build-stack.ts";
import { projectRoot } from "../../local/paths.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw validate [--stack dev]

Validates every stacks/<stack>/apis/<slug>/api.yaml against the manifest schema and builds every
API (bundles code, parses data) with the same code the deploy uses. Exit 1 with one line per
problem (file, field, what is wrong, how to fix it); exit 0 with a one-line summary otherwise.`;

export async function runValidate(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { stack: { type: "string", default: "dev" } }, false);
  if (values.help) {
    say(HELP);
    return 0;
  }
  const stack = values.stack ?? "dev";
  const { built, failures } = await buildStackApis(projectRoot(), stack);
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
