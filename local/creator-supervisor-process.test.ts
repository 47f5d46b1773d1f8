import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../core/build/build-api.ts";
import type { BuiltApi } from "../core/build/types.ts";
import { loadStackApis } from "../core/manifest/load.ts";
import { makeTempProject, type TempProject } from "../e2e/support/temp-project.ts";
import { waitFor } from "../e2e/support/wait.ts";
import { OPTIONS_HEADER, SCRIPT_HEADER } from "../runtime/local-namespace/protocol.ts";
import {
  type CreatorSupervisorProcess,
  startCreatorSupervisorProcess,
} from "./creator-supervisor-process.ts";
import { bundlePlatformWorkers } from "./platform-workers.ts";
import { deployToLocalNamespace } from "./publish.ts";

// The supervisor's own process dies (SIGKILL here; an out-of-memory kill in life): it is started
// again on the same router address with every API deployed to it, a bounded number of times.

let project: TempProject;
let cities: BuiltApi;
let creators: CreatorSupervisorProcess;

beforeAll(async () => {
  project = makeTempProject();
  const api = loadStackApis(project.root, "dev").apis.find(
    (found) => found.manifest.slug === "world-cities",
  )!;
  cities = await buildApi(api);
  creators = await startCreatorSupervisorProcess(
    { bundles: await bundlePlatformWorkers(), resolveOverrides: {}, egressPerMinute: 60, defaultCpuMs: 100 },
    { delayMs: 50, limit: 1 },
  );
  await deployToLocalNamespace(creators, cities);
}, 60_000);

afterAll(async () => {
  await creators?.stop();
  project?.remove();
});

/** A call as the gateway's local namespace adapter makes it. */
function call() {
  return fetch(`http://${creators.address}/?limit=1`, {
    headers: { [SCRIPT_HEADER]: cities.workerName, [OPTIONS_HEADER]: JSON.stringify({ outbound: {} }) },
  });
}

describe("the creator supervisor's process, when it dies", () => {
  it("starts again on the same address with every deployed API, then stays down past its limit", async () => {
    expect((await call()).status).toBe(200);
    const { address, pid: first } = creators;

    process.kill(first, "SIGKILL");
    await waitFor(async () => creators.revivals === 1, "the supervisor to start again");
    await creators.running();
    expect(creators.pid).not.toBe(first);
    expect(creators.address).toBe(address);
    const served = await call();
    expect(served.status).toBe(200);
    expect(((await served.json()) as { data: unknown[] }).data).toHaveLength(1);

    // A second death within the window is past the limit (1): nothing answers any more.
    process.kill(creators.pid, "SIGKILL");
    await waitFor(
      () =>
        creators.restarts(cities.workerName).then(
          () => false,
          () => true,
        ),
      "the supervisor to be found down",
    );
    expect(creators.revivals).toBe(1);
    await expect(call()).rejects.toThrow();
  });
});
