import { buildApi } from "../../core/build/build-api.ts";
import { loadStackApis } from "../../core/manifest/load.ts";
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
  const { apis, errors } = loadStackApis(projectRoot(), stack);
  const problems: string[] = errors.map((error) => error.message);
  let built = 0;
  for (const api of apis) {
    try {
      await buildApi(api);
      built++;
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length) {
    for (const problem of problems) say(problem);
    say(`\n${problems.length} problem${problems.length === 1 ? "" : "s"} in stack '${stack}'.`);
    return 1;
  }
  out(
    `stack '${stack}': ${built} API${built === 1 ? "" : "s"} valid and built (${apis.map((a) => a.manifest.slug).join(", ") || "none"})`,
  );
  return 0;
}
