import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { type Address, createPublicClient, type Hex, http, parseAbiItem } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { recordPayouts, signInAsCreator } from "../cli/creator-session.ts";
import { REPO_ROOT } from "../local/paths.ts";
import type { LocalStack } from "../local/stack.ts";
import { createChallenge } from "../runtime/dispatch/creators/auth/challenge.ts";
import type { LogsResponse, StatsResponse } from "../runtime/dispatch/creators/responses.ts";
import { createLocalPaymentSplitter } from "../splits/local-payment-splitter.ts";
import { ensureLocalSplitFactory } from "../splits/local-split-factory.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

// Creator sign-in, private stats, logs and payout records on the real local stack: anvil, the
// project's facilitator, the dispatch worker in workerd, D1. Two APIs with different owners:
// world-cities (dev account #3, $0.001) and chemical-elements (dev account #4, $0.0005).
const CITIES_OWNER = devAccount(3);
const ELEMENTS_OWNER = devAccount(4);
const NOBODY = devAccount(6); // owns no API

let project: TempProject;
let stack: LocalStack;
let payer: Address;

const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });
const db = () => stack.mf.getD1Database("DB", "dispatch");
const apiOf = (slug: string) => stack.devFile.apis.find((api) => api.slug === slug)!;

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  payer = (stack.devFile as unknown as { payer: { address: Address } }).payer.address;

  const pay = demoPayerFetch(stack.devFile);
  const paid = (path: string) =>
    pay(`${stack.url}${path}`).then(async (r) => ({ status: r.status, body: await r.text() }));
  for (const path of [
    "/world-cities?limit=1",
    "/world-cities?filter_country=Japan",
    "/world-cities?limit=2",
  ]) {
    expect((await paid(path)).status).toBe(200);
  }
  // An unknown field is the API's 400: the payment is verified, then not settled (no charge).
  expect((await paid("/world-cities?filter_nope=1")).status).toBe(400);
  for (const path of ["/chemical-elements?limit=1", "/chemical-elements?filter_symbol=He"]) {
    expect((await paid(path)).status).toBe(200);
  }
  // The payer ledgers export final payments to D1 within about a second.
  await waitFor(async () => {
    const row = await (await db())
      .prepare("SELECT COUNT(*) AS n FROM payments WHERE state IN ('settled', 'failed')")
      .first<{ n: number }>();
    return row?.n === 6 ? true : null;
  }, "6 final payments in D1");
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

async function get<T>(path: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function post<T>(path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

type ErrorBody = { error: { code: string; message: string; reason?: string } };
const tokenOf = async (account: { privateKey: Hex }) =>
  (await signInAsCreator(stack.url, account.privateKey)).token;

/** The ledger's own numbers for an API, straight from D1. */
async function ledger(slug: string) {
  const { results } = await (await db())
    .prepare(
      "SELECT state, COUNT(*) AS n, SUM(amount_atomic) AS amount FROM payments WHERE api_slug = ? GROUP BY state",
    )
    .bind(slug)
    .all<{ state: string; n: number; amount: number }>();
  const of = (state: string) => results.find((row) => row.state === state) ?? { n: 0, amount: 0 };
  const fee = await (await db())
    .prepare("SELECT platform_fee_bps AS bps FROM apis WHERE slug = ?")
    .bind(slug)
    .first<{ bps: number }>();
  return { settled: of("settled"), failed: of("failed"), bps: fee!.bps };
}

async function settledTxHashes(slug: string): Promise<string[]> {
  const { results } = await (await db())
    .prepare("SELECT tx_hash FROM payments WHERE api_slug = ? AND state = 'settled'")
    .bind(slug)
    .all<{ tx_hash: string }>();
  return results.map((row) => row.tx_hash);
}

/** Tokens that reached an address on chain (Transfer events of the payment token). */
async function receivedOnChain(address: string): Promise<bigint> {
  const logs = await chain().getLogs({
    address: stack.chain.asset,
    event: TRANSFER,
    args: { to: address as Address },
    fromBlock: 0n,
  });
  return logs.reduce((sum, log) => sum + log.args.value!, 0n);
}

describe("a creator's private stats", () => {
  it("show each owner exactly their own APIs, matching the ledger and the chain", async () => {
    const platformFeeBps = (stack.devFile as unknown as { platform: { platformFeeBps: number } }).platform
      .platformFeeBps;
    for (const [owner, slug, settled, failed, price] of [
      [CITIES_OWNER, "world-cities", 3, 1, 1000n],
      [ELEMENTS_OWNER, "chemical-elements", 2, 0, 500n],
    ] as const) {
      const { status, body } = await get<StatsResponse>("/creators/me/stats", await tokenOf(owner));
      expect(status).toBe(200);
      expect(body.address).toBe(owner.address);
      expect(body.apis.map((api) => api.slug)).toEqual([slug]);
      const stats = body.apis[0]!;

      const truth = await ledger(slug);
      expect(truth.bps).toBe(platformFeeBps);
      expect([truth.settled.n, truth.failed.n]).toEqual([settled, failed]);
      const gross = price * BigInt(settled);
      expect(BigInt(truth.settled.amount)).toBe(gross);
      // Every settled unit is on chain at the API's split (its payTo).
      expect(stats.payTo).toBe(apiOf(slug).payTo);
      expect(await receivedOnChain(stats.payTo)).toBe(gross);

      const fee = (gross * BigInt(platformFeeBps)) / 10_000n;
      for (const window of ["last24h", "last7d", "allTime"] as const) {
        expect(stats.windows[window]).toEqual({
          calls: settled + failed,
          paidCalls: settled,
          failedCalls: failed,
          unsettled: { payments: 0, amount: "0" },
          revenue: { gross: String(gross), platformFee: String(fee), creatorShare: String(gross - fee) },
        });
      }
      expect(stats.platformFeeBps).toBe(platformFeeBps);
      expect(stats.payouts).toEqual({
        creatorPaid: "0",
        platformPaid: "0",
        creatorUnpaid: String(gross - fee),
      });
    }
  });

  it("count each payment in the windows its call time falls in, and unknown ones as unsettled", async () => {
    const token = await tokenOf(CITIES_OWNER);
    const now = Date.now();
    const day = 24 * 3_600_000;
    // Earlier history written as the ledger export writes it: 3 and 10 days old, plus one unknown.
    const rows = [
      ["hist-3d", "settled", now - 3 * day],
      ["hist-10d", "settled", now - 10 * day],
      ["hist-unknown", "unknown", now - 1000],
    ] as const;
    const d1 = await db();
    for (const [id, state, at] of rows) {
      await d1
        .prepare(
          `INSERT INTO payments (id, api_slug, payer, nonce, pay_to, amount_atomic, network, asset, state, created_at, updated_at)
           VALUES (?, 'world-cities', ?, ?, ?, 1000, 'eip155:31337', ?, ?, ?, ?)`,
        )
        .bind(id, payer, id, apiOf("world-cities").payTo, stack.chain.asset, state, at, at)
        .run();
    }
    try {
      const { body } = await get<StatsResponse>("/creators/me/stats?slug=world-cities", token);
      const windows = body.apis[0]!.windows;
      expect([windows.last24h.paidCalls, windows.last7d.paidCalls, windows.allTime.paidCalls]).toEqual([
        3, 4, 5,
      ]);
      expect([
        windows.last24h.revenue.gross,
        windows.last7d.revenue.gross,
        windows.allTime.revenue.gross,
      ]).toEqual(["3000", "4000", "5000"]);
      expect(windows.last24h.unsettled).toEqual({ payments: 1, amount: "1000" });
      expect(windows.last24h.calls).toBe(5); // 3 paid, 1 failed, 1 unknown
    } finally {
      await d1.prepare("DELETE FROM payments WHERE id LIKE 'hist-%'").run();
    }
  });

  it("list an API's calls newest first, with payer, status, amount, latency and the settlement tx", async () => {
    const { status, body } = await get<LogsResponse>(
      "/creators/me/logs?slug=world-cities",
      await tokenOf(CITIES_OWNER),
    );
    expect(status).toBe(200);
    expect(body.calls).toHaveLength(4);
    const times = body.calls.map((call) => call.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const { results } = await (await db())
      .prepare("SELECT id, tx_hash FROM payments WHERE api_slug = 'world-cities' AND state = 'settled'")
      .all<{ id: string; tx_hash: string }>();
    const settled = body.calls.filter((call) => call.state === "settled");
    expect(settled.map((call) => call.txHash).sort()).toEqual(results.map((row) => row.tx_hash).sort());
    for (const call of settled) {
      expect(call).toMatchObject({ payer, responseStatus: 200, amount: "1000" });
      expect(call.latencyMs).toBeGreaterThanOrEqual(0);
      expect((await chain().getTransactionReceipt({ hash: call.txHash as Hex })).status).toBe("success");
    }
    const failed = body.calls.find((call) => call.state === "failed");
    expect(failed).toMatchObject({ responseStatus: 400, txHash: null, amount: "1000" });

    const newest = body.calls[0]!.createdAt;
    const later = await get<LogsResponse>(
      `/creators/me/logs?slug=world-cities&since=${newest - 1}&limit=1`,
      await tokenOf(CITIES_OWNER),
    );
    expect(later.body.calls.map((call) => call.id)).toEqual([body.calls[0]!.id]);
  });
});

describe("who may read what", () => {
  it("gives another owner a 404 for an API that is not theirs, exactly as for one that does not exist", async () => {
    const token = await tokenOf(ELEMENTS_OWNER);
    for (const slug of ["world-cities", "no-such-api"]) {
      const stats = await get<ErrorBody>(`/creators/me/stats?slug=${slug}`, token);
      const logs = await get<ErrorBody>(`/creators/me/logs?slug=${slug}`, token);
      const payouts = await post<ErrorBody>(
        "/creators/me/payouts",
        { slug, txHashes: [`0x${"1".repeat(64)}`] },
        token,
      );
      for (const answer of [stats, logs, payouts]) {
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe("api_not_found");
        expect(JSON.stringify(answer.body)).not.toContain(apiOf("world-cities").payTo);
      }
    }
    const nobody = await get<StatsResponse>("/creators/me/stats", await tokenOf(NOBODY));
    expect(nobody).toEqual({
      status: 200,
      body: expect.objectContaining({ address: NOBODY.address, apis: [] }),
    });
  });

  it("refuses private endpoints without a session, and a tampered one", async () => {
    expect((await get<ErrorBody>("/creators/me/stats")).body.error.code).toBe("sign_in_required");
    const token = await tokenOf(ELEMENTS_OWNER);
    const claimed = token.replace(ELEMENTS_OWNER.address, CITIES_OWNER.address);
    const answer = await get<ErrorBody>("/creators/me/stats?slug=world-cities", claimed);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("invalid_session");
  });

  it("keeps the public catalog public", async () => {
    const response = await fetch(`${stack.url}/`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(200);
    const { apis } = (await response.json()) as { apis: Array<{ slug: string }> };
    expect(apis.map((api) => api.slug)).toContain("world-cities");
  });
});

describe("sign-in refusals", () => {
  const site = () => new URL(stack.url);
  const signed = async (message: string, signer = CITIES_OWNER) =>
    ({ message, signature: await privateKeyToAccount(signer.privateKey).signMessage({ message }) }) as const;
  const challenge = async (address: string) =>
    (await post<{ message: string; nonce: string; expiresAt: string }>("/creators/challenge", { address }))
      .body;

  it("issues an EIP-4361 challenge for this gateway and wallet", async () => {
    const issued = await challenge(CITIES_OWNER.address);
    expect(issued.message).toContain(
      `${site().host} wants you to sign in with your Ethereum account:\n${CITIES_OWNER.address}`,
    );
    expect(issued.message).toContain(`URI: ${site().origin}`);
    expect(issued.message).toContain(`Chain ID: ${stack.chain.chainId}`);
    expect(issued.message).toContain(`Nonce: ${issued.nonce}`);
    const stored = await (await db())
      .prepare("SELECT address FROM auth_nonces WHERE nonce = ?")
      .bind(issued.nonce)
      .first();
    expect(stored).toEqual({ address: CITIES_OWNER.address });
  });

  it("refuses an expired sign-in", async () => {
    const old = createChallenge({
      domain: site().host,
      uri: site().origin,
      address: CITIES_OWNER.address,
      chainId: stack.chain.chainId,
      now: new Date(Date.now() - 10 * 60_000),
      ttlSeconds: 300,
    });
    const answer = await post<ErrorBody>("/creators/session", await signed(old.message));
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: "sign_in_refused", reason: "expired" });
    expect(answer.body.error.message).toContain("request a new challenge");
  });

  it("refuses a replayed sign-in, even when the replays race each other", async () => {
    const body = await signed((await challenge(CITIES_OWNER.address)).message);
    const answers = await Promise.all([1, 2, 3, 4].map(() => post<ErrorBody>("/creators/session", body)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401]);
    for (const answer of answers.filter((a) => a.status === 401)) {
      expect(answer.body.error).toMatchObject({ code: "sign_in_refused", reason: "nonce_reused" });
    }
    const later = await post<ErrorBody>("/creators/session", body);
    expect(later.body.error.reason).toBe("nonce_reused");
  });

  it("refuses a signature by another wallet, a nonce this gateway never issued, and another site's message", async () => {
    const forOwner = (await challenge(CITIES_OWNER.address)).message;
    const byOther = await post<ErrorBody>("/creators/session", await signed(forOwner, ELEMENTS_OWNER));
    expect(byOther.body.error.reason).toBe("bad_signature");

    const base = { address: CITIES_OWNER.address, chainId: stack.chain.chainId, now: new Date() };
    const unissued = createChallenge({ ...base, domain: site().host, uri: site().origin });
    expect(
      (await post<ErrorBody>("/creators/session", await signed(unissued.message))).body.error.reason,
    ).toBe("nonce_reused");
    const elsewhere = createChallenge({ ...base, domain: "evil.example", uri: "https://evil.example/" });
    const wrongSite = await post<ErrorBody>("/creators/session", await signed(elsewhere.message));
    expect(wrongSite.status).toBe(401);
    expect(wrongSite.body.error.reason).toBe("wrong_domain");
  });
});

/** The CLI's environment: this project, and no wallet from the developer's shell. */
function cliEnv(): NodeJS.ProcessEnv {
  const { CREATOR_PRIVATE_KEY: _ignored, CLAW_GATEWAY: _alsoIgnored, ...rest } = process.env;
  return { ...rest, CLAW_ROOT: project.root };
}

// Async on purpose: the facilitator runs in this process and must keep answering.
const cli = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "bin/402claw.js"), ...args],
      { env: cliEnv() },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

describe("402claw stats and logs", () => {
  it("`stats <slug>` signs in as the API's local owner and prints the right numbers", async () => {
    const { code, stdout, stderr } = await cli("stats", "world-cities");
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`creator ${CITIES_OWNER.address}`);
    // calls, paid, failed, unsettled, gross, platform fee (10%), creator share
    expect(stdout).toMatch(
      /world-cities\s+24h\s+4\s+3\s+1\s+0 \(\$0\.00\)\s+\$0\.003\s+\$0\.0003\s+\$0\.0027/,
    );
    expect(stdout).toMatch(/\s+all time\s+4\s+3\s+1\s+0 \(\$0\.00\)\s+\$0\.003\s+\$0\.0003\s+\$0\.0027/);
    expect(stdout).toContain("creator share not yet paid out $0.0027");
    expect(stdout).not.toContain("chemical-elements");
  });

  it("`stats` without a slug shows every local creator's APIs; --key picks one wallet", async () => {
    const all = await cli("stats");
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(
      /chemical-elements\s+24h\s+2\s+2\s+0\s+0 \(\$0\.00\)\s+\$0\.001\s+\$0\.0001\s+\$0\.0009/,
    );
    expect(all.stdout).toMatch(/world-cities\s+24h\s+4\s+3\s+1/);
    expect(all.stdout).toMatch(/fx-convert\s+24h\s+0\s+0\s+0/);

    const one = await cli("stats", "--key", ELEMENTS_OWNER.privateKey, "--json");
    expect(one.code).toBe(0);
    const report = JSON.parse(one.stdout) as StatsResponse;
    expect(report.apis.map((api) => api.slug)).toEqual(["chemical-elements"]);

    const notMine = await cli("stats", "world-cities", "--key", ELEMENTS_OWNER.privateKey);
    expect(notMine.code).toBe(1);
    expect(notMine.stderr).toContain("404");
    expect(notMine.stderr).toContain('own no API "world-cities"');
  });

  it("`logs <slug>` prints the calls with their transactions; --help explains both commands", async () => {
    const { code, stdout, stderr } = await cli("logs", "world-cities");
    expect(code, stderr).toBe(0);
    const { results } = await (await db())
      .prepare("SELECT tx_hash FROM payments WHERE api_slug = 'world-cities' AND state = 'settled'")
      .all<{ tx_hash: string }>();
    for (const { tx_hash } of results) expect(stdout).toContain(tx_hash);
    expect(stdout).toMatch(/failed\s+400\s+\$0\.001/);
    for (const command of ["stats", "logs"]) {
      const help = await cli(command, "--help");
      expect(help.code).toBe(0);
      expect(help.stderr).toContain(`Usage: 402claw ${command}`);
    }
  });
});

describe("payout records", () => {
  it("records what a withdrawal moved out of the split, as the chain says, once", async () => {
    const api = apiOf("world-cities");
    const platform = (stack.devFile as unknown as { platform: { wallet: Address; platformFeeBps: number } })
      .platform;
    const splitter = createLocalPaymentSplitter({
      rpcUrl: stack.chain.rpcUrl,
      chainId: stack.chain.chainId,
      factory: await ensureLocalSplitFactory({
        rpcUrl: stack.chain.rpcUrl,
        chainId: stack.chain.chainId,
        cacheDir: `${project.root}/.local/artifacts`,
      }),
      defaultSender: privateKeyToAccount(CITIES_OWNER.privateKey),
    });
    const terms = {
      apiSlug: "world-cities",
      creator: CITIES_OWNER.address,
      platform: platform.wallet,
      platformFeeBps: platform.platformFeeBps,
    };
    expect(await splitter.predictAddress(terms)).toBe(api.payTo);
    const withdrawal = await splitter.withdrawCreatorShare(
      terms,
      stack.chain.asset,
      privateKeyToAccount(CITIES_OWNER.privateKey),
    );
    expect([withdrawal.creatorPaid, withdrawal.platformPaid]).toEqual([2700n, 300n]);

    const settings = { gateway: stack.url };
    const first = await recordPayouts(settings, CITIES_OWNER.privateKey, "world-cities", withdrawal.txHashes);
    const moved = first.payouts.map(({ role, recipient, amount }) => ({ role, recipient, amount }));
    expect(moved).toEqual(
      expect.arrayContaining([
        { role: "creator", recipient: CITIES_OWNER.address, amount: "2700" },
        { role: "platform", recipient: platform.wallet, amount: "300" },
      ]),
    );
    expect(moved).toHaveLength(2);
    for (const row of first.payouts) {
      expect(withdrawal.txHashes).toContain(row.txHash);
      expect(row.status).toBe("confirmed");
    }
    // A deployment transaction in the list moved nothing out of the split: said, not recorded.
    expect(first.skipped.every((skip) => skip.reason.includes("paid nothing out"))).toBe(true);

    const again = await recordPayouts(settings, CITIES_OWNER.privateKey, "world-cities", withdrawal.txHashes);
    expect(again.payouts).toEqual(first.payouts);
    const count = await (await db()).prepare("SELECT COUNT(*) AS n FROM payouts").first<{ n: number }>();
    expect(count?.n).toBe(2);

    const { body } = await get<StatsResponse>(
      "/creators/me/stats?slug=world-cities",
      await tokenOf(CITIES_OWNER),
    );
    expect(body.apis[0]!.payouts).toEqual({ creatorPaid: "2700", platformPaid: "300", creatorUnpaid: "0" });
  });

  it("trusts the chain, not the request: transactions that did not pay out of this split record nothing", async () => {
    const unrelated = await chain().getLogs({
      address: stack.chain.asset,
      event: TRANSFER,
      args: { to: apiOf("chemical-elements").payTo as Address },
      fromBlock: 0n,
    });
    const paymentTx = unrelated[0]!.transactionHash; // a payment INTO another API's split
    const missing = `0x${"ab".repeat(32)}`;
    const answer = await recordPayouts({ gateway: stack.url }, CITIES_OWNER.privateKey, "world-cities", [
      paymentTx,
      missing,
    ]);
    expect(answer.payouts).toEqual([]);
    expect(answer.skipped).toEqual([
      { txHash: paymentTx, reason: expect.stringContaining("paid nothing out of world-cities") },
      { txHash: missing, reason: expect.stringContaining("not found on chain") },
    ]);
  });
});

describe("402claw logs --follow", () => {
  it("prints new calls as they are paid, until Ctrl-C", async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, "bin/402claw.js"), "logs", "world-cities", "--follow"],
      {
        env: cliEnv(),
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(
        async () =>
          stdout.split("\n").filter((line) => /settled|failed/.test(line)).length === 4 ? true : null,
        "the first 4 calls",
      );
      const before = new Set(await settledTxHashes("world-cities"));
      const response = await demoPayerFetch(stack.devFile)(`${stack.url}/world-cities?limit=3`);
      expect(response.status).toBe(200);
      const row = await waitFor(async () => {
        const fresh = (await settledTxHashes("world-cities")).filter((hash) => !before.has(hash));
        return fresh.length === 1 ? { tx_hash: fresh[0]! } : null;
      }, "the new payment in D1");
      await waitFor(
        async () => (stdout.includes(row.tx_hash) ? true : null),
        "the new call in the followed log",
      );
      expect(stdout.split("\n").filter((line) => line.includes(row.tx_hash))).toHaveLength(1);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });
});
