import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../core/build/build-api.ts";
import type { BuiltApi } from "../core/build/types.ts";
import { loadStackApis } from "../core/manifest/load.ts";
import { makeTempProject, type TempProject } from "../e2e/support/temp-project.ts";
import { FAULT_HEADER, OPTIONS_HEADER, SCRIPT_HEADER } from "../runtime/local-namespace/protocol.ts";
import { type CreatorSupervisor, startCreatorSupervisor } from "./creator-supervisor.ts";
import { startCreatorSupervisorProcess } from "./creator-supervisor-process.ts";
import { bundlePlatformWorkers } from "./platform-workers.ts";
import { deployToLocalNamespace, localScriptOf } from "./publish.ts";

// The supervisor alone, with real workerd creator processes (no gateway, no chain): in this
// process, and in its own process as the local stack runs it.
const VARIANTS = [
  { where: "in this process", start: startCreatorSupervisor },
  { where: "in its own process", start: startCreatorSupervisorProcess },
];
let project: TempProject;
let built: Map<string, BuiltApi>;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["hostile-loop"] });
  const { apis } = loadStackApis(project.root, "dev");
  built = new Map(
    await Promise.all(apis.map(async (api) => [api.manifest.slug, await buildApi(api)] as const)),
  );
}, 60_000);

afterAll(() => project?.remove());

describe.each(VARIANTS)("the creator supervisor, $where", ({ start }) => {
  let creators: CreatorSupervisor;

  beforeAll(async () => {
    creators = await start({
      bundles: await bundlePlatformWorkers(),
      resolveOverrides: {},
      egressPerMinute: 60,
      defaultCpuMs: 100,
    });
  }, 60_000);

  afterAll(() => creators?.stop());

  /** A call as the gateway's local namespace adapter makes it. */
  function call(workerName: string, path = "/") {
    return fetch(`http://${creators.address}${path}`, {
      headers: { [SCRIPT_HEADER]: workerName, [OPTIONS_HEADER]: JSON.stringify({ outbound: {} }) },
    });
  }

  it("answers a call for an unknown worker with a not_found fault", async () => {
    const response = await call("no-such-worker");
    expect(response.status).toBe(502);
    expect(response.headers.get(FAULT_HEADER)).toBe("not_found");
  });

  it("stops a runaway, restarts its process, and keeps the API's scripts and data", async () => {
    const cities = built.get("world-cities")!;
    const loop = built.get("hostile-loop")!;
    await deployToLocalNamespace(creators, cities);
    expect((await call(cities.workerName, "/?limit=1")).status).toBe(200);

    // The same worker name now runs code that never yields.
    await creators.deploy(cities.workerName, localScriptOf(loop));
    const runaway = await call(cities.workerName);
    expect(runaway.status).toBe(502);
    expect(runaway.headers.get(FAULT_HEADER)).toBe("cpu_exceeded");
    expect(await runaway.json()).toMatchObject({ error: { code: "creator_cpu_exceeded" } });
    expect(await creators.restarts(cities.workerName)).toBe(1);

    // Back to the data worker, without uploading the data again: R2 survived the restart.
    await creators.deploy(cities.workerName, localScriptOf(cities));
    const served = await call(cities.workerName, "/?limit=1");
    expect(served.status).toBe(200);
    expect(((await served.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});
