import { sourceLabelOf } from "../../core/build/build-api.ts";
import { PYTHON_MAIN_MODULE } from "../../core/build/build-python.ts";
import { buildStackApis, failureOf } from "../../core/build/build-stack.ts";
import { secretsWithoutValue, stackApiSecrets } from "../../infra/api-secrets.ts";
import { projectRoot } from "../../local/paths.ts";
import { checkPythonFunctions } from "../api-tests/run.ts";
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
  // Python functions are loaded on Pyodide in a creator process: a module without a supported
  // entry, or one that fails to import, is refused here as JS modules are by the workerd load.
  const python = builds.filter(({ built }) => built.mainModule === PYTHON_MAIN_MODULE);
  const pythonFailures = await checkPythonFunctions(
    python.map(({ api, built }) => ({ api, built, secrets: placeholderSecrets(api.manifest.secrets) })),
  );
  for (const { api, built } of python) {
    const reason = pythonFailures.get(built.slug);
    if (reason) {
      failures.push({
        api: built.slug,
        message: `${sourceLabelOf(api)}: fails to load: ${reason.includes(". Fix: ") ? reason : `${reason}. Fix: fix the module so it imports`}`,
      });
    }
  }
  const loaded = builds.filter(({ built }) => !pythonFailures.has(built.slug));
  // A declared secret needs a value: in the stack's Pulumi config (deploys) or .dev.vars (local).
  const stackSecrets = stackApiSecrets(root, stack);
  const built = loaded.filter(({ api }) => {
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

/** Validate never reads secret values: a Python module is imported with placeholders. */
function placeholderSecrets(names: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, "(validate)"]));
}
