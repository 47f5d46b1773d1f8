import { buildApi } from "../../core/build/build-api.ts";
import { readLocalSecrets } from "../../core/manifest/dev-vars.ts";
import { loadStackApis } from "../../core/manifest/load.ts";
import { projectRoot } from "../../local/paths.ts";
import { loadTestCases } from "../api-tests/cases.ts";
import { type ApiUnderTest, runApiTests } from "../api-tests/run.ts";
import { parseCommandArgs } from "../args.ts";
import { out, say } from "../output.ts";

const HELP = `Usage: 402claw test [slug...] [--stack dev]

Runs creator APIs' own tests: each API folder's tests.yaml lists request → expected response
cases. Each API is built and run in workerd exactly as the local stack runs it (its secrets from
.dev.vars, the outbound worker's egress policy), without payment. Without a slug, every API of
the stack that has a tests.yaml is tested.

  - name: converts dollars to euros
    request: { method: GET, path: "/?from=USD&to=EUR&amount=100" }   # or headers, body
    expect:
      status: 200
      headers: { content-type: application/json }   # each value must be contained
      json: { from: USD, to: EUR }                   # these fields must match; extra ones are fine
      # text: exact body   contains: a substring of the body

Exit 0 when every case passed, 1 when a case failed (each difference is printed with its path),
2 when an API could not be tested (manifest, build, tests file or a secret without a value).`;

/** `402claw test`: runs the API folders' tests.yaml cases against their built workers. */
export async function runTest(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, { stack: { type: "string", default: "dev" } });
  const { values } = parsed;
  const positionals = parsed.positionals as string[];
  if (values.help) {
    say(HELP);
    return 0;
  }
  const stack = values.stack ?? "dev";
  const { apis, errors } = loadStackApis(projectRoot(), stack);
  const wanted = positionals.length ? apis.filter((api) => positionals.includes(api.manifest.slug)) : apis;
  const unknown = positionals.filter((slug) => !apis.some((api) => api.manifest.slug === slug));
  const problems = [
    ...unknown.map(
      (slug) => `402claw test: no API '${slug}' in stack '${stack}' (or its api.yaml is invalid)`,
    ),
    ...errors
      .filter(
        (error) => positionals.length === 0 || positionals.some((slug) => error.file.includes(`/${slug}/`)),
      )
      .map((error) => error.message),
  ];
  const underTest: ApiUnderTest[] = [];
  for (const api of wanted) {
    try {
      const cases = loadTestCases(api);
      if (cases.length === 0) {
        if (positionals.length)
          problems.push(
            `${api.file.replace(/api\.yaml$/, "tests.yaml")}: (file): has no test cases. Fix: add one (402claw test --help shows the format)`,
          );
        continue;
      }
      underTest.push({ api, built: await buildApi(api), secrets: readLocalSecrets(api), cases });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  for (const problem of problems) say(problem);
  if (underTest.length === 0) {
    if (problems.length) return 2;
    out(`stack '${stack}': no API has a tests.yaml`);
    return 0;
  }
  const results = await runApiTests(underTest, (result) => {
    if (result.problems.length === 0) out(`✓ ${result.slug}: ${result.name}`);
    else out(`✗ ${result.slug}: ${result.name}\n${result.problems.map((line) => `    ${line}`).join("\n")}`);
  });
  const failed = results.filter((result) => result.problems.length > 0);
  out(
    `\n${results.length - failed.length} passed, ${failed.length} failed (${underTest.map((api) => api.built.slug).join(", ")})`,
  );
  if (problems.length) return 2;
  return failed.length ? 1 : 0;
}
