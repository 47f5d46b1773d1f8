import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listProcesses, readProcStat } from "../local/proc-stat.ts";
import type { LocalStack } from "../local/stack.ts";
import { moneyProbe } from "./support/money.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// The creator supervisor runs in a process of its own (local/creator-supervisor-process.ts). If
// that process dies, creator calls fail as a crashed creator's do (a 502, nothing charged), its
// creator processes die with it, and it is started again with every API.

/** Long enough that the call made just after the kill finds the supervisor down. */
const REVIVAL_DELAY_MS = 5_000;

let project: TempProject;
let stack: LocalStack;

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project, { supervisorRevival: { delayMs: REVIVAL_DELAY_MS } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

/** The creator processes (workerd) the supervisor's process started. */
function creatorProcesses(): number[] {
  if (readProcStat(stack.creators.pid)?.parent !== process.pid)
    throw new Error("the creator supervisor is not a process under this one");
  return running()
    .filter((found) => found.parent === stack.creators.pid)
    .map((found) => found.pid);
}

/** Processes that have not exited (a zombie has, but is not reaped yet). */
function running() {
  return listProcesses().filter((found) => found.state !== "Z");
}

describe("a stopped creator supervisor", () => {
  it.skipIf(process.platform !== "linux")(
    "leaves creator calls a 502 that charges nothing and no creator process running, then is started again with its APIs",
    async () => {
      const pay = demoPayerFetch(stack.devFile);
      const url = `${stack.url}/world-cities?limit=1`;
      const money = moneyProbe(stack);
      const none = await money.paymentIds();
      expect((await pay(url)).status).toBe(200);
      await money.newPayments("world-cities", none); // exported, so not taken for the next one

      const payTo = stack.devFile.apis.find((api) => api.slug === "world-cities")!.payTo;
      const [seen, before] = await Promise.all([money.paymentIds(), money.balanceOf(payTo)]);
      const supervisor = stack.creators.pid;
      const creators = creatorProcesses();
      expect(creators.length).toBeGreaterThan(0);
      process.kill(supervisor, "SIGKILL");

      const failed = await pay(url);
      expect(failed.status).toBe(502);
      expect(await failed.json()).toMatchObject({ error: { code: "creator_error", api: "world-cities" } });
      expect(failed.headers.get("payment-response")).toBeNull();
      const [payment] = await money.newPayments("world-cities", seen);
      expect(payment).toMatchObject({ state: "failed" });
      expect(await money.balanceOf(payTo)).toBe(before);
      expect((await fetch(`${stack.url}/health`)).status).toBe(200);
      // Its creator processes did not outlive it.
      await waitFor(async () => {
        const left = new Set(running().map((found) => found.pid));
        return creators.every((pid) => !left.has(pid));
      }, "the creator processes to stop");

      // Started again on the same address, with every API: the next call is served and charged once.
      await waitFor(async () => stack.creators.revivals === 1, "the supervisor to start again", 60_000);
      await stack.creators.running();
      expect(stack.creators.pid).not.toBe(supervisor);
      const again = await money.paymentIds();
      const served = await pay(url);
      expect(served.status).toBe(200);
      const [paid] = await money.newPayments("world-cities", again);
      expect(paid).toMatchObject({ state: "settled" });
      expect(await money.balanceOf(payTo)).toBe(before + BigInt(paid!.amount_atomic as number));
    },
  );
});
