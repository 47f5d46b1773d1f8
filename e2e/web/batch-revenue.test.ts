import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Address, createPublicClient, erc20Abi, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPayer } from "../../chain/batch-settlement-harness.ts";
import { creatorFetch, signInAsCreator } from "../../cli/creator-session.ts";
import { formatUsd } from "../../core/price.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { SeriesResponse, StatsResponse } from "../../runtime/dispatch/creators/responses.ts";
import { splitRevenue } from "../../runtime/dispatch/creators/stats-summary.ts";
import { demoPayerFetch } from "../support/pay.ts";
import { makeTempProject, type TempProject } from "../support/temp-project.ts";
import { runCli, startTestStack } from "../support/test-stack.ts";
import { waitFor } from "../support/wait.ts";
import { launchChromium, screenshot, watchForProblems } from "./support/chromium.ts";
import type { DevFields } from "./support/dev-fields.ts";
import { type InjectedWallet, injectWallet } from "./support/injected-wallet.ts";

// Batch-settlement revenue in the dashboard, in real Chromium: one API paid with vouchers (the
// official x402 client's batch-settlement scheme) and with exact payments. The page's numbers, its
// chart and its recent calls must be the ledger's before and after `402claw settle`, and the
// settled voucher revenue must be withdrawable from the page like any other.

const SLUG = "world-cities";
const VOUCHER_CALLS = 5;
const EXACT_CALLS = 3;

let project: TempProject;
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let wallet: InjectedWallet;
let page: Page;
let problems: string[];
let owner: { address: Address; privateKey: Hex };
let price: bigint;
const fields = () => stack.devFile as unknown as DevFields;
const api = () => stack.devFile.apis.find((entry) => entry.slug === SLUG)!;
const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });
const db = () => stack.mf.getD1Database("DB", "dispatch");
const row = `table.stats tr[data-slug="${SLUG}"]`;
const cell = (field: string) => page.locator(`${row} [data-field="${field}"]`);
const balanceOf = (who: string) =>
  chain().readContract({
    address: stack.chain.asset,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [who as Address],
  });

beforeAll(async () => {
  project = makeTempProject();
  // Claims and settles run only when this file asks (`402claw settle`), never on the gateway's own
  // schedule in the middle of a check; 450 s is the longest the 15-minute withdrawal delay allows.
  stack = await startTestStack(project, { dispatchVars: { BATCH_SETTLE_INTERVAL_SECONDS: "450" } });
  owner = fields().creators.find((creator) => creator.address.toLowerCase() === api().owner.toLowerCase())!;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  wallet = await injectWallet(
    context,
    { rpcUrl: stack.chain.rpcUrl, chainId: stack.chain.chainId },
    privateKeyToAccount(owner.privateKey),
  );
  page = await context.newPage();
  problems = watchForProblems(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  project?.remove();
});

/** What D1 holds for the API: exact payments and vouchers, per state. */
async function ledger() {
  const count = async (sql: string) =>
    (await (await db()).prepare(sql).bind(SLUG).first<{ n: number; amount: number | null }>())!;
  return {
    exactSettled: await count(
      "SELECT COUNT(*) AS n, SUM(amount_atomic) AS amount FROM payments WHERE api_slug = ? AND state = 'settled'",
    ),
    vouchers: await count(
      "SELECT COUNT(*) AS n, SUM(amount_atomic) AS amount FROM vouchers WHERE api_slug = ?",
    ),
    vouchersSettled: await count(
      "SELECT COUNT(*) AS n, SUM(amount_atomic) AS amount FROM vouchers WHERE api_slug = ? AND state = 'settled'",
    ),
  };
}

/** The owner's stats and hourly series as `402claw stats` and the chart read them. */
async function gatewayNumbers() {
  const session = await signInAsCreator(stack.url, owner.privateKey);
  const stats = await creatorFetch<StatsResponse>(session, `/creators/me/stats?slug=${SLUG}`);
  const series = await creatorFetch<SeriesResponse>(session, `/creators/me/series?slug=${SLUG}&bucket=hour`);
  return { stats: stats.apis[0]!, series };
}

/** The dashboard's row must show exactly the gateway's all-time numbers. */
async function expectRowToShow(stats: StatsResponse["apis"][number]) {
  const all = stats.windows.allTime;
  await expect.poll(() => cell("paid-calls").textContent(), { timeout: 20_000 }).toBe(String(all.paidCalls));
  expect(await cell("gross").textContent()).toBe(formatUsd(BigInt(all.revenue.gross)));
  expect(await cell("platform-fee").textContent()).toBe(formatUsd(BigInt(all.revenue.platformFee)));
  expect(await cell("creator-share").textContent()).toBe(formatUsd(BigInt(all.revenue.creatorShare)));
  expect(await cell("unsettled").textContent()).toBe(
    all.unsettled.payments ? `${all.unsettled.payments} (${formatUsd(BigInt(all.unsettled.amount))})` : "0",
  );
}

describe("batch-settlement revenue in the dashboard", () => {
  it("shows voucher calls beside exact ones: owed until settled, in the numbers and recent calls", async () => {
    const payer = batchPayer({ chain: stack.chain, privateKey: fields().payer.privateKey });
    for (let call = 0; call < VOUCHER_CALLS; call++) {
      const response = await payer.fetch(`${stack.url}/${SLUG}?limit=1`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const exact = demoPayerFetch(stack.devFile);
    for (let call = 0; call < EXACT_CALLS; call++) {
      const response = await exact(`${stack.url}/${SLUG}?limit=2`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const before = await waitFor(async () => {
      const now = await ledger();
      return now.exactSettled.n === EXACT_CALLS && now.vouchers.n === VOUCHER_CALLS ? now : null;
    }, `${EXACT_CALLS} exact payments and ${VOUCHER_CALLS} vouchers in D1`);
    expect(before.vouchersSettled.n).toBe(0);

    await page.goto(`${stack.url}/dashboard`);
    await page.getByRole("button", { name: "Sign in with wallet" }).click();
    await page.locator("#creator").waitFor({ state: "visible" });
    const { stats, series } = await gatewayNumbers();
    price = BigInt(stats.priceAtomic);
    expect(before.vouchers.amount).toBe(Number(price) * VOUCHER_CALLS);
    // The gateway's numbers are the ledger's: exact payments are in the split, vouchers are owed.
    expect(stats.windows.allTime).toMatchObject({
      calls: EXACT_CALLS + VOUCHER_CALLS,
      paidCalls: EXACT_CALLS,
      unsettled: { payments: VOUCHER_CALLS, amount: String(before.vouchers.amount) },
      revenue: { gross: String(before.exactSettled.amount) },
    });
    await expectRowToShow(stats);
    // The chart plots the same settled calls the table counts.
    const plotted = series.points.reduce((sum, point) => sum + BigInt(point.revenue.gross), 0n);
    expect(plotted).toBe(BigInt(stats.windows.allTime.revenue.gross));
    expect(await page.locator(".chart figcaption").textContent()).toBe(
      `${EXACT_CALLS} paid calls and ${formatUsd(plotted)} revenue in the last 48 hours, per hour`,
    );
    // Recent calls: every call, the vouchers as owed (no transaction yet).
    const logs = page.locator("table.logs tbody tr");
    await expect.poll(() => logs.count()).toBe(EXACT_CALLS + VOUCHER_CALLS);
    const states = await page
      .locator("table.logs tbody td[data-state]")
      .evaluateAll((cells) => cells.map((td) => `${td.getAttribute("data-state")}=${td.textContent}`).sort());
    expect(states).toEqual([
      ...Array(VOUCHER_CALLS).fill("batch_charged=charged (voucher)"),
      ...Array(EXACT_CALLS).fill("settled=settled"),
    ]);
  });

  it("after `402claw settle` shows the voucher revenue as settled, live, in the numbers and the chart", async () => {
    const settled = await runCli(project, "settle");
    expect(settled.code, settled.stderr + settled.stdout).toBe(0);
    const after = await waitFor(async () => {
      const now = await ledger();
      return now.vouchersSettled.n === VOUCHER_CALLS ? now : null;
    }, "every voucher settled in D1");
    const gross = BigInt(after.exactSettled.amount ?? 0) + BigInt(after.vouchersSettled.amount ?? 0);
    expect(gross).toBe(price * BigInt(EXACT_CALLS + VOUCHER_CALLS));
    // Everything paid for is now in the split, on chain.
    expect(await balanceOf(api().payTo)).toBe(gross);

    const { stats, series } = await gatewayNumbers();
    expect(stats.windows.allTime).toMatchObject({
      paidCalls: EXACT_CALLS + VOUCHER_CALLS,
      unsettled: { payments: 0 },
      revenue: { gross: String(gross) },
    });
    // No reload: the page notices the calls' new states and redraws the numbers and the chart.
    await expectRowToShow(stats);
    const plotted = series.points.reduce((sum, point) => sum + BigInt(point.revenue.gross), 0n);
    expect(plotted).toBe(gross);
    await expect
      .poll(() => page.locator(".chart figcaption").textContent(), { timeout: 20_000 })
      .toBe(
        `${EXACT_CALLS + VOUCHER_CALLS} paid calls and ${formatUsd(gross)} revenue in the last 48 hours, per hour`,
      );
    await expect
      .poll(() => page.locator('table.logs tbody td[data-state="batch_settled"]').count(), {
        timeout: 20_000,
      })
      .toBe(VOUCHER_CALLS);
    // The CLI prints the same table from the same endpoint.
    const cli = await runCli(project, "stats", SLUG, "--json");
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as StatsResponse).apis[0]!.windows.allTime).toEqual(stats.windows.allTime);
    await screenshot(page, "dashboard-batch");
  });

  it("withdraws the settled voucher revenue, recording each payout even when the wallet refuses the next", async () => {
    const { platform } = fields();
    const gross = BigInt((await gatewayNumbers()).stats.windows.allTime.revenue.gross);
    const { creatorShare, platformFee } = splitRevenue(gross, platform.platformFeeBps);
    expect(await chain().getCode({ address: api().payTo as Address })).toBeUndefined();
    const before = { creator: await balanceOf(owner.address), platform: await balanceOf(platform.wallet) };
    const sent = () => wallet.requests.filter((method) => method === "eth_sendTransaction").length;
    const sentBefore = sent();
    const withdraw = page.getByRole("button", { name: `Withdraw ${api().title}` });

    // The person approves createSplit and the release to themselves, then rejects the platform's.
    wallet.limitTransactions(2);
    await withdraw.click();
    const stopped = page.locator("main .status.bad");
    await stopped.waitFor({ timeout: 30_000 });
    expect(await stopped.textContent()).toMatch(
      new RegExp(
        `^Withdraw stopped after paying \\${formatUsd(creatorShare)} to you and \\$0\\.00 to the platform \\(recorded\\): User rejected the request`,
      ),
    );
    expect(await balanceOf(owner.address)).toBe(before.creator + creatorShare);
    expect(await balanceOf(platform.wallet)).toBe(before.platform);
    // What did move is in the ledger already.
    await expect.poll(() => cell("creator-paid").textContent()).toBe(formatUsd(creatorShare));
    expect(await cell("creator-unpaid").textContent()).toBe("$0.00");

    // Withdrawing again sends only what is still due: the platform's fee.
    wallet.limitTransactions(undefined);
    await withdraw.click();
    await page.locator("main .status.good", { hasText: "withdrew" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("main .status").textContent()).toContain(
      `withdrew $0.00 to your wallet and ${formatUsd(platformFee)} to the platform in 1 transaction `,
    );
    // createSplit, the creator's release, the refused one, the platform's release.
    expect(sent() - sentBefore).toBe(4);
    expect(await balanceOf(owner.address)).toBe(before.creator + creatorShare);
    expect(await balanceOf(platform.wallet)).toBe(before.platform + platformFee);
    expect(await balanceOf(api().payTo)).toBe(0n);
    await expect.poll(() => page.locator("table.payouts tbody tr[data-role]").count()).toBe(2);
    expect(await page.locator('table.payouts tr[data-role="creator"] td.num').textContent()).toBe(
      formatUsd(creatorShare),
    );
    expect(await page.locator('table.payouts tr[data-role="platform"] td.num').textContent()).toBe(
      formatUsd(platformFee),
    );
    const cli = await runCli(project, "stats", SLUG, "--json");
    expect((JSON.parse(cli.stdout) as StatsResponse).apis[0]!.payouts).toEqual({
      creatorPaid: String(creatorShare),
      platformPaid: String(platformFee),
      creatorUnpaid: "0",
    });
    await screenshot(page, "dashboard-batch-withdrawn");
  });

  it("counts the settled vouchers in the platform view too", async () => {
    await page.goto(`${stack.url}/dashboard`);
    await page.getByText("Platform operator: use the admin token").click();
    await page.fill("input[name=token]", fields().admin.token);
    await page.getByRole("button", { name: "Open the platform view" }).click();
    await page.locator("#platform").waitFor({ state: "visible" });
    const { stats } = await gatewayNumbers();
    const top = page.locator(`table.top tr[data-slug="${SLUG}"] td`);
    expect(await top.nth(0).textContent()).toBe(String(EXACT_CALLS + VOUCHER_CALLS));
    expect(await top.nth(1).textContent()).toBe(formatUsd(BigInt(stats.windows.allTime.revenue.gross)));
  });

  it("saw no Content-Security-Policy violation and no script error", () => {
    expect(problems).toEqual([]);
  });
});
