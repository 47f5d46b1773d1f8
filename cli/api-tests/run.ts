import { bundleWorker, runtimePath } from "../../core/build/bundle.ts";
import type { BuiltApi } from "../../core/build/types.ts";
import type { LoadedApi } from "../../core/manifest/load.ts";
import { startCreatorSupervisor } from "../../local/creator-supervisor.ts";
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
  const [namespace, outbound, pythonHost, fixture] = await Promise.all([
    bundleWorker(runtimePath("local-namespace/worker.ts"), { label: "local namespace" }),
    bundleWorker(runtimePath("outbound/worker.ts"), { label: "outbound worker" }),
    bundlePythonHost(),
    startFixtureUpstream(),
  ]);
  const creators = await startCreatorSupervisor({
    bundles: { namespace, outbound, pythonHost },
    // As in `npm start`: the example's upstream is the loopback fixture, so tests run offline.
    resolveOverrides: { [FIXTURE_HOST]: fixture.url },
    egressPerMinute: 600,
  });
  const results: CaseResult[] = [];
  try {
    await Promise.all(
      apis.map(({ built, secrets }) =>
        creators.deploy(
          built.workerName,
          localScriptOf(built, secrets),
          built.data,
          dispatchOptionsOf(built),
        ),
      ),
    );
    for (const { built, cases } of apis) {
      const options = dispatchOptionsOf(built);
      for (const testCase of cases) {
        const result = {
          slug: built.slug,
          name: testCase.name,
          problems: await runCase(creators.address, built, options, testCase),
        };
        results.push(result);
        onResult(result);
      }
    }
  } finally {
    await creators.stop();
    await fixture.stop();
  }
  return results;
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
