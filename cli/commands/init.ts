import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { getAddress, isAddress } from "viem";
import { stringify } from "yaml";
import { buildApi } from "../../core/build/build-api.ts";
import { buildDataset } from "../../core/dataset/build-dataset.ts";
import { loadApiFolder, stackApisDir } from "../../core/manifest/load.ts";
import { SLUG_PATTERN } from "../../core/manifest/schema.ts";
import { projectRoot } from "../../local/paths.ts";
import { TESTS_FILE } from "../api-tests/cases.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

/** Anvil's development account #3: a local creator wallet whose key the local stack knows. */
export const DEFAULT_DEV_OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

const HELP = `Usage: 402claw init <slug> --kind data|function [--lang ts|python] [--source <file>] [--price <usd>] [--stack dev] [--owner 0x..]

Scaffolds stacks/<stack>/apis/<slug>/ with a valid api.yaml:
  --kind data       copies --source (a .csv or .json file) next to the manifest
  --kind function   copies --source (.ts/.js/.py) or writes a starter handler.ts
  --lang python     (with --kind function) writes a starter handler.py instead
Also writes tests.yaml with one example test (run it with 402claw test <slug>).
  --price           price per call in USD (default "$0.001")
  --owner           the creator's wallet (default: local dev creator ${DEFAULT_DEV_OWNER})
Refuses to overwrite an existing folder. The next \`npm start\` serves the new API.`;

const FUNCTION_TEMPLATE = `/**
 * A function API. The default export receives the request and its parsed input and returns a
 * Response or any JSON-serialisable value. A standard Workers module
 * (\`export default { async fetch(request, env) { … } }\`) or a Hono app (\`export default app\`)
 * works too. Outgoing fetch is allowed only to hosts listed under \`egress:\` in api.yaml; secrets
 * listed under \`secrets:\` arrive in \`env\` (locally from .dev.vars). tests.yaml holds its tests:
 * run them with \`npx 402claw test <slug>\`.
 */
interface Input {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  env: Record<string, unknown>;
}

export default async function handler({ query }: Input) {
  const name = query.name ?? "world";
  return { greeting: \`hello, \${name}\` };
}
`;

const PYTHON_TEMPLATE = `"""A Python function API. \`handler(input)\` gets the same input as a TypeScript handler:
method, path, query, body (parsed JSON, text or None), slug, and env (the secrets listed under
\`secrets:\` in api.yaml; locally from .dev.vars). Return a dict or list (JSON), a str, or a
tuple (body, status) / (body, status, headers). Standard library only. Outgoing requests
(\`from js import fetch\`) may reach only the hosts listed under \`egress:\`. tests.yaml holds its
tests: run them with \`npx 402claw test <slug>\`."""


def handler(input):
    name = input["query"].get("name", "world")
    return {"greeting": f"hello, {name}"}
`;

export async function runInit(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    kind: { type: "string" },
    source: { type: "string" },
    price: { type: "string", default: "$0.001" },
    stack: { type: "string", default: "dev" },
    owner: { type: "string", default: DEFAULT_DEV_OWNER },
    lang: { type: "string", default: "ts" },
  });
  if (values.help) {
    say(HELP);
    return 0;
  }
  const slug = positionals[0];
  const problem = checkArgs(slug, values);
  if (problem) {
    say(`402claw init: ${problem}\n\n${HELP}`);
    return 1;
  }
  const root = projectRoot();
  const dir = join(stackApisDir(root, values.stack!), slug!);
  if (existsSync(dir)) {
    say(
      `402claw init: ${dir} already exists; refusing to overwrite it. Pick another slug or edit that folder.`,
    );
    return 1;
  }
  const kind = values.kind as "data" | "function";
  const python = values.lang === "python" || extname(values.source ?? "").toLowerCase() === ".py";
  const sourceName =
    kind === "data" ? `data${extname(values.source!).toLowerCase()}` : python ? "handler.py" : "handler.ts";
  if (kind === "data") buildDataset(basename(values.source!), readFileSync(values.source!));
  mkdirSync(dir, { recursive: true });
  try {
    if (values.source) copyFileSync(values.source, join(dir, sourceName));
    else writeFileSync(join(dir, sourceName), python ? PYTHON_TEMPLATE : FUNCTION_TEMPLATE);
    // One example test (402claw test); a copied function's answers are unknown, so it checks the status only.
    writeFileSync(join(dir, TESTS_FILE), exampleTests(kind, Boolean(values.source)));
    writeFileSync(
      join(dir, "api.yaml"),
      manifestYaml(slug!, kind, sourceName, values.price!, getAddress(values.owner!)),
    );
    const loaded = loadApiFolder(root, dir);
    if (Array.isArray(loaded)) throw new Error(loaded.map((error) => error.message).join("\n"));
    await buildApi(loaded);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  out(`created ${dir}`);
  say(`Edit ${join(dir, "api.yaml")} (title, description), then restart \`npm start\` to serve /${slug}.`);
  return 0;
}

function exampleTests(kind: "data" | "function", copiedSource: boolean): string {
  const header =
    "# Tests for `npx 402claw test <slug>`: a request (relative to the API) and what the answer must\n" +
    "# contain (status, headers, json fields, text or contains). They run in workerd, without payment.\n";
  if (kind === "data") {
    return `${header}- name: answers the first row\n  request: { path: "?limit=1" }\n  expect:\n    status: 200\n    json: { pagination: { page: 1, limit: 1 } }\n`;
  }
  if (copiedSource) {
    return `${header}- name: answers\n  request: { path: "/" }\n  expect: { status: 200 }\n`;
  }
  return `${header}- name: greets by name\n  request: { path: "/?name=ada" }\n  expect:\n    status: 200\n    json: { greeting: "hello, ada" }\n`;
}

function checkArgs(
  slug: string | undefined,
  values: Record<string, string | boolean | undefined>,
): string | undefined {
  if (!slug) return "missing <slug>";
  if (!SLUG_PATTERN.test(slug)) return `slug '${slug}' must be lowercase letters, digits and dashes`;
  if (values.kind !== "data" && values.kind !== "function") return "--kind must be data or function";
  const source = values.source as string | undefined;
  if (values.kind === "data" && !source) return "--source <file.csv|file.json> is required for a data API";
  if (values.lang !== "ts" && values.lang !== "python") return "--lang must be ts or python";
  if (values.lang === "python" && values.kind !== "function") return "--lang python is for --kind function";
  if (source && !existsSync(source)) return `--source ${source} does not exist`;
  if (source) {
    const ext = extname(source).toLowerCase();
    const allowed = values.kind === "data" ? [".csv", ".json"] : [".ts", ".js", ".mjs", ".py"];
    if (!allowed.includes(ext))
      return `--source for a ${values.kind} API must end in ${allowed.join(" or ")}`;
  }
  if (!isAddress(String(values.owner), { strict: false }))
    return `--owner ${values.owner} is not a wallet address`;
  return undefined;
}

function manifestYaml(
  slug: string,
  kind: "data" | "function",
  source: string,
  price: string,
  owner: string,
): string {
  const title = slug
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
  const manifest = {
    slug,
    title,
    description: kind === "data" ? `The ${title} table as a queryable API.` : `The ${title} function.`,
    owner,
    price,
    kind,
    source,
    tags: [],
    ...(kind === "function" ? { egress: [] } : {}),
  };
  return `# Created by 402claw init. Fields: see README "Creator API manifest".\n${stringify(manifest)}`;
}
