import { bundleWorker, runtimePath } from "../../core/build/bundle.ts";
import type { BuiltApi } from "../../core/build/types.ts";
import type { LoadedApi } from "../../core/manifest/load.ts";
import { type CreatorSupervisor, startCreatorSupervisor } from "../../local/creator-supervisor.ts";
import { FIXTURE_HOST, startFixtureUpstream } from "../../local/fixture-upstream.ts";
import { bundlePythonHost } from "../../local/platform-workers.ts";
import { dispatchOptionsOf, localScriptOf } from "../../local/publish.ts";
import { FAULT_HEADER, OPTIONS_HEADER, SCRIPT_HEADER } from "../../runtime/local-namespace/protocol.ts";
import type { TestCase } from "./cases.ts";
import { compareResponse } from "./compare.ts";

/** How long one case may take (a Python API's first call starts its interpreter: seconds). */
export const CASE_TIMEOUT_MS = 30_000;

/** One API to test: its build, its local secrets and its cases. */
export interface ApiUnderTest {
  api: LoadedApi;
  built: BuiltApi;
  secrets: Record<string, string>;
  cases: TestCase[];
}

/** The outcome of one case. */
export interface CaseResult {
  slug: string;
  name: string;
  /** Empty when the case passed; otherwise one line per difference. */
  problems: string[];
}

/**
 * Runs each API's cases against its built worker in workerd, exactly as the local stack runs it
 * (its own supervised process, the outbound worker's egress policy, the dispatch options the
 * gateway passes), without the gateway: no payment. `onResult` hears each case as it finishes.
 */
export async function runApiTests(
  apis: readonly ApiUnderTest[],
  onResult: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  return withLocalCreators(async (creators) => {
    const loadFailures = await deployAll(creators, apis);
    const results: CaseResult[] = [];
    for (const { built, cases } of apis) {
      const options = dispatchOptionsOf(built);
      const failure = loadFailures.get(built.slug);
      for (const testCase of cases) {
        const problems = failure
          ? [`the function could not be loaded: ${failure}`]
          : await runCase(creators.address, built, options, testCase);
        const result = { slug: built.slug, name: testCase.name, problems };
        results.push(result);
        onResult(result);
      }
    }
    return results;
  });
}

/**
 * Loads each built Python function in a creator process (CPython on Pyodide, inside workerd: never
 * in Node) and imports its module: the reason each one cannot serve, by slug (`402claw validate`).
 */
export async function checkPythonFunctions(
  apis: ReadonlyArray<Omit<ApiUnderTest, "cases">>,
): Promise<Map<string, string>> {
  if (apis.length === 0) return new Map();
  return withLocalCreators((creators) => deployAll(creators, apis));
}

/** Deploys (and warms) every API; the failures by slug, each with its reason. */
async function deployAll(
  creators: CreatorSupervisor,
  apis: ReadonlyArray<Omit<ApiUnderTest, "cases">>,
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  await Promise.all(
    apis.map(({ built, secrets }) =>
      creators
        .deploy(built.workerName, localScriptOf(built, secrets), built.data, dispatchOptionsOf(built))
        .catch((error: unknown) => {
          failures.set(built.slug, error instanceof Error ? error.message : String(error));
        }),
    ),
  );
  return failures;
}

/** Runs `work` with a creator supervisor set up as the local stack's (outbound policy, fixture upstream). */
async function withLocalCreators<T>(work: (creators: CreatorSupervisor) => Promise<T>): Promise<T> {
  const [namespace, outbound, pythonHost, fixture] = await Promise.all([
    bundleWorker(runtimePath("local-namespace/worker.ts"), { label: "local namespace" }),
    bundleWorker(runtimePath("outbound/worker.ts"), { label: "outbound worker" }),
    bundlePythonHost(),
    startFixtureUpstream(),
  ]);
  try {
    const creators = await startCreatorSupervisor({
      bundles: { namespace, outbound, pythonHost },
      // As in `npm start`: the example's upstream is the loopback fixture, so tests run offline.
      resolveOverrides: { [FIXTURE_HOST]: fixture.url },
      egressPerMinute: 600,
    });
    try {
      return await work(creators);
    } finally {
      await creators.stop();
    }
  } finally {
    await fixture.stop();
  }
}

async function runCase(
  address: string,
  built: BuiltApi,
  options: object,
  testCase: TestCase,
): Promise<string[]> {
  const { request } = testCase;
  const headers = new Headers(request.headers);
  headers.set(SCRIPT_HEADER, built.workerName);
  headers.set(OPTIONS_HEADER, JSON.stringify(options));
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
    if (typeof request.body !== "string" && !headers.has("content-type"))
      headers.set("content-type", "application/json");
  }
  try {
    const response = await fetch(new URL(request.path, `http://${address}/`), {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
    });
    const text = await response.text();
    const fault = response.headers.get(FAULT_HEADER);
    if (fault) return [`the function did not answer: ${fault} (${text})`];
    return compareResponse(testCase.expect, { status: response.status, headers: response.headers, text });
  } catch (error) {
    return [
      (error as Error).name === "TimeoutError"
        ? `no answer within ${CASE_TIMEOUT_MS / 1000} s`
        : `the call failed: ${(error as Error).message}`,
    ];
  }
}
