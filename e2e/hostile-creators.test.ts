import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../local/stack.ts";
import { moneyProbe } from "./support/money.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// Hostile creator code against the real local stack: real workerd processes, real chain, real
// payments. Each case must end in a quick 502 with nothing charged, while /health and another
// API keep answering, and the API must serve again afterwards.

interface HostileCase {
  slug: string;
  /** The 502's error code (some cases may legitimately end either way). */
  codes: string[];
}

/**
 * A runaway is stopped once its process has burned its CPU limit. On a starved machine that CPU
 * can take longer to burn than the wall-time limit lasts: then the wall-time limit answers first.
 * Both are right; which one fires first is up to the machine's load. (The CPU verdict alone is
 * checked without a wall-time limit in local/creator-supervisor.test.ts.)
 */
const RUNAWAY = ["creator_cpu_exceeded", "creator_timeout"];

const CASES: HostileCase[] = [
  { slug: "hostile-loop", codes: RUNAWAY },
  { slug: "hostile-cpu-burn", codes: RUNAWAY },
  { slug: "hostile-async-loop", codes: RUNAWAY },
  { slug: "hostile-microtask-storm", codes: RUNAWAY },
  { slug: "hostile-regex", codes: RUNAWAY },
  // Reads the body in the stand-in, so the loop stops the creator before its headers leave.
  { slug: "hostile-stream-loop", codes: RUNAWAY },
  { slug: "hostile-body-error", codes: ["creator_error"] },
  { slug: "hostile-never-resolves", codes: ["creator_error"] },
  { slug: "hostile-unhandled-rejection", codes: ["creator_error"] },
  { slug: "hostile-huge-allocation", codes: ["creator_error"] },
  { slug: "hostile-recursion", codes: ["creator_error"] },
  { slug: "hostile-huge-body", codes: ["creator_response_too_large"] },
  { slug: "crasher", codes: ["creator_error"] },
  { slug: "sleeper", codes: ["creator_timeout"] },
];

const OTHER_API = "world-cities";
const OTHER_PRICE = 1000n;

let project: TempProject;
let stack: LocalStack;
let paying: typeof fetch;
let money: ReturnType<typeof moneyProbe>;
let payer: string;

beforeAll(async () => {
  project = makeTempProject({ fixtures: CASES.map((hostile) => hostile.slug) });
  // The platform default CPU limit is lowered so runaways under it are stopped sooner.
  stack = await startTestStack(project, { creatorTimeoutMs: 6_000, creatorCpuMs: 300 });
  paying = demoPayerFetch(stack.devFile);
  money = moneyProbe(stack);
  payer = (stack.devFile as unknown as { payer: { address: string } }).payer.address;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

const apiOf = (slug: string) => stack.apis.find((api) => api.slug === slug)!;
const payToOf = (slug: string) => stack.devFile.apis.find((api) => api.slug === slug)!.payTo;

describe("a hostile creator", () => {
  it.each(CASES)(
    "$slug: 502 ($codes), nothing charged, everything else served meanwhile",
    async ({ slug, codes }) => {
      const [payerBefore, payToBefore, seen] = await Promise.all([
        money.balanceOf(payer),
        money.balanceOf(payToOf(slug)),
        money.paymentIds(),
      ]);
      const running = stack.creators.nextCall(apiOf(slug).workerName);
      const call = paying(`${stack.url}/${slug}`);
      await running;
      // The creator's code is running now: the gateway and the other APIs must not wait for it.
      const [health, other] = await Promise.all([
        fetch(`${stack.url}/health`),
        paying(`${stack.url}/${OTHER_API}?limit=1`),
      ]);
      expect(health.status).toBe(200);
      expect(other.status).toBe(200);

      const response = await call;
      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: { code: string; api: string; message: string } };
      expect(codes).toContain(body.error.code);
      expect(body.error).toMatchObject({ api: slug, message: expect.stringContaining(slug) });
      expect(response.headers.get("payment-response")).toBeNull();

      // Money: the ledger recorded the call as failed, and only the other API's price left the payer.
      const rows = await money.newPayments(slug, seen);
      expect(rows).toEqual([
        expect.objectContaining({ state: "failed", tx_hash: null, response_status: 502 }),
      ]);
      expect(await money.balanceOf(payToOf(slug))).toBe(payToBefore);
      expect(payerBefore - (await money.balanceOf(payer))).toBe(OTHER_PRICE);

      // The API itself serves again.
      const again = await paying(`${stack.url}/${slug}?behave=1`);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ok: true });
    },
  );
});
