import type { Browser, BrowserContext, Page } from "playwright-core";
import { type Address, createPublicClient, erc20Abi, type Hex, http, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../../chain/accounts.ts";
import { formatUsd } from "../../core/price.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { StatsResponse } from "../../runtime/dispatch/creators/responses.ts";
import { splitRevenue } from "../../runtime/dispatch/creators/stats-summary.ts";
import { createLocalPaymentSplitter } from "../../splits/local-payment-splitter.ts";
import { paymentSplitterAbi } from "../../splits/local-split-abi.ts";
import { ensureLocalSplitFactory } from "../../splits/local-split-factory.ts";
import { demoPayerFetch } from "../support/pay.ts";
import { makeTempProject, type TempProject } from "../support/temp-project.ts";
import { runCli, startTestStack } from "../support/test-stack.ts";
import { waitFor } from "../support/wait.ts";
import { launchChromium, screenshot, watchForProblems } from "./support/chromium.ts";
import type { DevFields } from "./support/dev-fields.ts";
import { type InjectedWallet, injectWallet } from "./support/injected-wallet.ts";

// The marketplace in real Chromium against the real local stack (anvil, facilitator, workerd, D1):
// browse, open an API page, pay from the browser wallet, sign in as the API's owner, see the
// ledger's numbers and the chart, watch calls arrive live, withdraw, and the platform view.

let project: TempProject;
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let wallet: InjectedWallet;
let page: Page;
let problems: string[];
const fields = () => stack.devFile as unknown as DevFields;
const cities = () => {
  const api = stack.devFile.apis.find((entry) => entry.slug === "world-cities")!;
  return { ...api, payTo: api.payTo as Address };
};
const chain = () => createPublicClient({ transport: http(stack.chain.rpcUrl) });
const db = () => stack.mf.getD1Database("DB", "dispatch");

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  wallet = await injectWallet(
    context,
    { rpcUrl: stack.chain.rpcUrl, chainId: stack.chain.chainId },
    privateKeyToAccount(fields().payer.privateKey),
  );
  page = await context.newPage();
  problems = watchForProblems(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  project?.remove();
});

/** The ledger's own numbers for an API, straight from D1. */
async function ledger(slug: string) {
  const { results } = await (await db())
    .prepare(
      "SELECT state, COUNT(*) AS n, SUM(amount_atomic) AS amount FROM payments WHERE api_slug = ? GROUP BY state",
    )
    .bind(slug)
    .all<{ state: string; n: number; amount: number }>();
  const of = (state: string) => results.find((row) => row.state === state) ?? { n: 0, amount: 0 };
  return { settled: of("settled"), failed: of("failed"), all: results.reduce((sum, row) => sum + row.n, 0) };
}

const cell = (row: string, field: string) => page.locator(`${row} [data-field="${field}"]`);

describe("the marketplace without JavaScript", () => {
  it("lists, searches and filters APIs server-side, keyboard first, on a phone-sized screen", async () => {
    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const plain = await noScript.newPage();
    const plainProblems = watchForProblems(plain);
    const response = await plain.goto(stack.url, { waitUntil: "load" });
    expect(response!.status()).toBe(200);
    expect(response!.headers()["content-security-policy"]).toContain("script-src 'self'");
    await expect.poll(() => plain.locator(".card").count()).toBe(stack.devFile.apis.length);
    // Keyboard: the first Tab lands on the skip link, and it leads into the main content.
    await plain.keyboard.press("Tab");
    expect(await plain.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    // Nothing overflows sideways on a 390 px screen.
    expect(await plain.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(plain, "marketplace-phone");

    await plain.fill("input[name=q]", "cities");
    await plain.press("input[name=q]", "Enter");
    await plain.waitForURL(/q=cities/);
    expect(await plain.locator(".card h2").allTextContents()).toEqual(["World Cities"]);
    // Expected lists come from the stack's own APIs, so adding an example API keeps this test true.
    const apis = stack.devFile.apis;
    const usd = (price: string) => Number(price.slice(1));
    await plain.goto(`${stack.url}/?kind=function`);
    expect((await plain.locator(".card h2").allTextContents()).sort()).toEqual(
      apis
        .filter((api) => api.kind === "function")
        .map((api) => api.title)
        .sort(),
    );
    await plain.goto(`${stack.url}/?maxPrice=0.001&sort=price-asc`);
    const cheap = apis.filter((api) => usd(api.price) <= 0.001);
    expect(await plain.locator(".card h2").allTextContents()).toEqual(
      cheap
        .sort((a, b) => usd(a.price) - usd(b.price) || a.title.localeCompare(b.title))
        .map((api) => api.title),
    );
    expect(cheap.map((api) => api.slug)).toContain("chemical-elements");
    const bad = await plain.goto(`${stack.url}/?maxPrice=cheap`);
    expect(bad!.status()).toBe(400);
    expect(await plain.locator(".notice").textContent()).toContain("maxPrice must be a USD amount");
    // A stale link: a page back to the marketplace for people, the JSON error for tools.
    const gone = await plain.goto(`${stack.url}/catalog/no-such-api`);
    expect(gone!.status()).toBe(404);
    expect(await plain.locator("h1").textContent()).toBe("No such API");
    const json = await fetch(`${stack.url}/catalog/no-such-api`, { headers: { accept: "application/json" } });
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("api_not_found");
    // Controls that need the wallet are disabled without JavaScript, and say why.
    await plain.goto(`${stack.url}/catalog/world-cities`);
    expect(await plain.getByRole("button", { name: "Pay $0.001 and call" }).isDisabled()).toBe(true);
    await plain.goto(`${stack.url}/dashboard`);
    expect(await plain.getByRole("button", { name: "Sign in with wallet" }).isDisabled()).toBe(true);
    expect(await plain.locator("noscript").first().count()).toBe(1);
    expect(plainProblems).toEqual([]);
    await noScript.close();
  });
});

describe("an API page", () => {
  it("opens from the marketplace and shows price, owner, columns, grammar and code", async () => {
    await page.goto(stack.url);
    await screenshot(page, "marketplace");
    await page.getByRole("link", { name: "World Cities" }).click();
    await page.waitForURL(/\/catalog\/world-cities$/);
    expect(await page.locator("h1").textContent()).toBe("World Cities");
    expect(await page.locator(".facts").textContent()).toContain("$0.001 per call");
    const columns = await page.locator("#columns-h + p + .scroll th[scope=row]").allTextContents();
    expect(columns).toEqual(expect.arrayContaining(["country", "population"]));
    expect(await page.locator("pre code").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("wrapFetchWithPayment")]),
    );
    await screenshot(page, "api-page");
  });

  it("pays for a call from the browser wallet and shows the response and the on-chain receipt", async () => {
    const payer = fields().payer.address;
    const before = await ledger("world-cities");
    await page.getByRole("button", { name: "Pay $0.001 and call" }).click();
    await page.locator("#try-result .status.good").waitFor({ timeout: 30_000 });
    expect(await page.locator("#try-result .status").textContent()).toBe("Paid and answered: HTTP 200");
    const body = JSON.parse((await page.locator("#try-result .response code").textContent())!);
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.every((row: { country: string }) => row.country === "Japan")).toBe(true);
    const tx = (await page.locator("[data-field=transaction] code").textContent()) as Hex;
    expect(tx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(wallet.requests).toContain("eth_signTypedData_v4");

    // The transfer is on chain: 1000 units (= $0.001) from the payer to the API's split.
    const receipt = await chain().getTransactionReceipt({ hash: tx });
    expect(receipt.status).toBe("success");
    const transfers = parseEventLogs({ abi: erc20Abi, eventName: "Transfer", logs: receipt.logs });
    expect(transfers.map((log) => [log.args.from, log.args.to, log.args.value])).toEqual([
      [payer, cities().payTo, 1000n],
    ]);
    await waitFor(
      async () => (await ledger("world-cities")).settled.n === before.settled.n + 1,
      "the paid call in D1",
    );
    await screenshot(page, "api-page-paid");
  });

  it("says why when the API refuses a paid call, and that nothing was charged", async () => {
    const before = await ledger("world-cities");
    await page.fill("input[name=path]", "?filter_nope=1");
    await page.getByRole("button", { name: "Pay $0.001 and call" }).click();
    const refused = page.locator("#try-result .status.bad");
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toMatch(/^The API answered HTTP 400: .*nope.* \(not charged\)$/);
    await waitFor(
      async () => (await ledger("world-cities")).failed.n === before.failed.n + 1,
      "the failed call in D1",
    );
    expect((await ledger("world-cities")).settled.n).toBe(before.settled.n);
  });

  it("shows the public aggregates the ledger holds: calls in 7 days and the median latency", async () => {
    const { results } = await (await db())
      .prepare("SELECT latency_ms FROM payments WHERE api_slug = 'world-cities' ORDER BY latency_ms")
      .all<{ latency_ms: number | null }>();
    const latencies = results.map((row) => row.latency_ms).filter((ms): ms is number => ms !== null);
    expect(latencies.length).toBeGreaterThan(0);
    await page.reload();
    expect(await page.locator('[data-stat="calls7d"]').textContent()).toBe(String(results.length));
    expect(await page.locator('[data-stat="p50"]').textContent()).toBe(
      `${latencies[Math.floor((latencies.length - 1) / 2)]} ms`,
    );
  });
});

describe("the creator dashboard", () => {
  it("signs in with the owner's wallet and shows the ledger's numbers, the chart and recent calls", async () => {
    // A few more calls from another client: two paid, one refused by the API (400, not charged).
    const pay = demoPayerFetch(stack.devFile);
    const before = await ledger("world-cities");
    for (const path of [
      "/world-cities?limit=2",
      "/world-cities?filter_country=France",
      "/world-cities?filter_nope=1",
    ]) {
      await (await pay(`${stack.url}${path}`)).text();
    }
    const expected = await waitFor(async () => {
      const now = await ledger("world-cities");
      return now.failed.n === before.failed.n + 1 && now.settled.n === before.settled.n + 2 ? now : null;
    }, "2 more settled and 1 more failed world-cities payments in D1");

    const owner = fields().creators.find(
      (creator) => creator.address.toLowerCase() === cities().owner.toLowerCase(),
    )!;
    wallet.use(privateKeyToAccount(owner.privateKey));
    await page.goto(`${stack.url}/dashboard`);
    await page.getByRole("button", { name: "Sign in with wallet" }).click();
    await page.locator("#creator").waitFor({ state: "visible" });
    expect(wallet.requests).toContain("personal_sign");
    // The session lives in the page's memory only: no cookie, nothing in storage for others to read.
    expect(await context.cookies()).toEqual([]);
    expect(
      await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length].join("|")),
    ).toBe("|0|0");

    const row = 'table.stats tr[data-slug="world-cities"]';
    const { platformFee, creatorShare } = splitRevenue(
      BigInt(expected.settled.amount),
      fields().platform.platformFeeBps,
    );
    expect(await cell(row, "paid-calls").textContent()).toBe(String(expected.settled.n));
    expect(await cell(row, "failed-calls").textContent()).toBe(String(expected.failed.n));
    expect(await cell(row, "gross").textContent()).toBe(formatUsd(BigInt(expected.settled.amount)));
    expect(await cell(row, "platform-fee").textContent()).toBe(formatUsd(platformFee));
    expect(await cell(row, "creator-share").textContent()).toBe(formatUsd(creatorShare));

    // The chart: uPlot drew into a canvas of real size.
    const canvas = page.locator("#chart canvas");
    await canvas.waitFor();
    const size = await canvas.evaluate((element: HTMLCanvasElement) => [element.width, element.height]);
    expect(size[0]).toBeGreaterThan(0);
    expect(size[1]).toBeGreaterThan(0);
    // Its data: the calls of this hour are in the chart (its caption totals the plotted buckets).
    expect(await page.locator(".chart figcaption").textContent()).toBe(
      `${expected.settled.n} paid calls and ${formatUsd(BigInt(expected.settled.amount))} revenue in the last 48 hours, per hour`,
    );
    await expect.poll(() => page.locator("table.logs tbody tr").count()).toBe(expected.all);
    await screenshot(page, "dashboard");
    await page.selectOption("select[name=bucket]", "day");
    await page.locator(".chart figcaption", { hasText: "in the last 30 days, per day" }).waitFor();
    expect(await page.locator(".chart figcaption").textContent()).toContain(
      `${expected.settled.n} paid calls`,
    );
  });

  it("shows a new call live, without a reload", async () => {
    const rows = await page.locator("table.logs tbody tr").count();
    const before = await ledger("world-cities");
    await (await demoPayerFetch(stack.devFile)(`${stack.url}/world-cities?limit=1`)).text();
    const after = await waitFor(async () => {
      const now = await ledger("world-cities");
      return now.settled.n === before.settled.n + 1 ? now : null;
    }, "the new call settled in D1");
    await page.locator("table.logs tbody tr").nth(rows).waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => cell('table.stats tr[data-slug="world-cities"]', "paid-calls").textContent(), {
        timeout: 20_000,
      })
      .toBe(String(after.settled.n));
  });

  it("also shows a call that reached D1 after a newer one (payer ledgers export independently)", async () => {
    // What a slower payer's ledger export looks like to D1: an older call, written late. A failed
    // call, so no money is involved and the ledger still equals the chain.
    const api = cities();
    const createdAt = Date.now() - 30_000;
    const id = `0x000000000000000000000000000000000000dEaD:late-${createdAt}`;
    await (await db())
      .prepare(
        `INSERT INTO payments (id, api_slug, payer, nonce, pay_to, amount_atomic, network, asset, state,
           response_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1000, ?, ?, 'failed', 500, ?, ?)`,
      )
      .bind(
        id,
        api.slug,
        "0x000000000000000000000000000000000000dEaD",
        `late-${createdAt}`,
        api.payTo,
        stack.chain.network,
        stack.chain.asset,
        createdAt,
        Date.now(),
      )
      .run();
    await page.locator(`table.logs tbody tr[data-id="${id}"]`).waitFor({ timeout: 20_000 });
  });

  it("sends nothing when the split terms it is given do not lead to the API's payTo", async () => {
    // As if the fee had changed since the API was published: the terms now predict another address.
    await page.route("**/creators/me/stats*", async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as StatsResponse;
      for (const api of body.apis) api.split.platformFeeBps += 500;
      await route.fulfill({ response, json: body });
    });
    try {
      await page.reload();
      await page.getByRole("button", { name: "Sign in with wallet" }).click();
      await page.locator("#creator").waitFor({ state: "visible" });
      const sentBefore = wallet.requests.filter((method) => method === "eth_sendTransaction").length;
      await page.getByRole("button", { name: "Withdraw World Cities" }).click();
      const refused = page.locator("main .status.bad");
      await refused.waitFor({ timeout: 30_000 });
      expect(await refused.textContent()).toMatch(
        new RegExp(
          `^Withdraw failed: these split terms lead to 0x[0-9a-fA-F]{40}, but world-cities is paid to ${cities().payTo}: nothing was sent$`,
        ),
      );
      expect(wallet.requests.filter((method) => method === "eth_sendTransaction").length).toBe(sentBefore);
      expect(await chain().getCode({ address: cities().payTo })).toBeUndefined();
    } finally {
      await page.unroute("**/creators/me/stats*");
    }
    await page.reload();
    await page.getByRole("button", { name: "Sign in with wallet" }).click();
    await page.locator("#creator").waitFor({ state: "visible" });
  });

  it("withdraws through the wallet from a split never deployed: creates it, pays the share, records it", async () => {
    const owner = wallet.account.address;
    const { platform } = fields();
    const splitter = createLocalPaymentSplitter({
      rpcUrl: stack.chain.rpcUrl,
      chainId: stack.chain.chainId,
      factory: await ensureLocalSplitFactory({
        rpcUrl: stack.chain.rpcUrl,
        chainId: stack.chain.chainId,
        cacheDir: `${project.root}/.local/artifacts`,
      }),
      defaultSender: wallet.account,
    });
    const terms = {
      apiSlug: "world-cities",
      creator: owner,
      platform: platform.wallet,
      platformFeeBps: platform.platformFeeBps,
    };
    // A fresh marketplace: payments went to the predicted address, nobody has withdrawn yet.
    expect(await splitter.predictAddress(terms)).toBe(cities().payTo);
    expect(await splitter.isDeployed(terms)).toBe(false);
    const balance = (who: Address) =>
      chain().readContract({
        address: stack.chain.asset,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [who],
      });
    const before = { creator: await balance(owner), platform: await balance(platform.wallet) };
    const settled = (await ledger("world-cities")).settled;
    expect(await balance(cities().payTo)).toBe(BigInt(settled.amount));
    const { creatorShare, platformFee } = splitRevenue(BigInt(settled.amount), platform.platformFeeBps);
    const sentBefore = wallet.requests.filter((method) => method === "eth_sendTransaction").length;

    await page.getByRole("button", { name: "Withdraw World Cities" }).click();
    await page.locator("main .status", { hasText: "withdrew" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("main .status").textContent()).toContain(
      `World Cities: withdrew ${formatUsd(creatorShare)} to your wallet and ${formatUsd(platformFee)} to the platform in 3 transactions`,
    );
    // Three transactions from the wallet: createSplit, release to the creator, release to the platform.
    expect(wallet.requests.filter((method) => method === "eth_sendTransaction").length - sentBefore).toBe(3);
    expect(await splitter.isDeployed(terms)).toBe(true);
    expect(await balance(owner)).toBe(before.creator + creatorShare);
    expect(await balance(platform.wallet)).toBe(before.platform + platformFee);
    // Nothing withdrawable is left in the split.
    expect(await splitter.balance(terms, stack.chain.asset)).toBe(0n);
    for (const payee of [owner, platform.wallet]) {
      expect(
        await chain().readContract({
          address: cities().payTo,
          abi: paymentSplitterAbi,
          functionName: "releasable",
          args: [stack.chain.asset, payee],
        }),
      ).toBe(0n);
    }

    const row = 'table.stats tr[data-slug="world-cities"]';
    await expect.poll(() => cell(row, "creator-paid").textContent()).toBe(formatUsd(creatorShare));
    expect(await cell(row, "creator-unpaid").textContent()).toBe("$0.00");
    const payouts = page.locator("table.payouts tbody tr");
    await expect.poll(() => payouts.count()).toBe(2);
    expect(await page.locator('table.payouts tr[data-role="creator"] td.num').textContent()).toBe(
      formatUsd(creatorShare),
    );
    expect(await page.locator('table.payouts tr[data-role="platform"] td.num').textContent()).toBe(
      formatUsd(platformFee),
    );
    // The CLI reads the same ledger: `402claw stats` reports the payout the page recorded.
    const stats = await runCli(project, "stats", "world-cities", "--json");
    expect(stats.code, stats.stderr).toBe(0);
    const report = JSON.parse(stats.stdout) as StatsResponse;
    expect(report.apis[0]!.payouts).toEqual({
      creatorPaid: String(creatorShare),
      platformPaid: String(platformFee),
      creatorUnpaid: "0",
    });
    await screenshot(page, "dashboard-withdrawn");

    // A second withdrawal finds nothing due and sends nothing.
    await page.getByRole("button", { name: "Withdraw World Cities" }).click();
    await page.locator("main .status", { hasText: "nothing to withdraw" }).waitFor();
    expect(wallet.requests.filter((method) => method === "eth_sendTransaction").length - sentBefore).toBe(3);
  });
});

describe("the platform view", () => {
  it("opens with the admin token: revenue across APIs, payment states with unknown, reconcile", async () => {
    await page.goto(`${stack.url}/dashboard`);
    await page.getByText("Platform operator: use the admin token").click();
    await page.fill("input[name=token]", fields().admin.token);
    await page.getByRole("button", { name: "Open the platform view" }).click();
    await page.locator("#platform").waitFor({ state: "visible" });
    const all = await (await db())
      .prepare("SELECT COUNT(*) AS n, SUM(amount_atomic) AS amount FROM payments WHERE state = 'settled'")
      .first<{ n: number; amount: number }>();
    expect(await page.locator('[data-total="paid-calls"]').textContent()).toBe(String(all!.n));
    expect(await page.locator('[data-total="gross"]').textContent()).toBe(formatUsd(BigInt(all!.amount)));
    expect(await page.locator('[data-total="unknown"]').textContent()).toBe("0");
    expect(await page.locator("table.top tbody tr").first().getAttribute("data-slug")).toBe("world-cities");
    await page.getByRole("button", { name: "Reconcile unknown payments" }).click();
    await page.locator(".reconciled", { hasText: "Reconciled 0 payments." }).waitFor();
    await screenshot(page, "platform");
  });

  it("opens for the platform wallet's own sign-in too", async () => {
    wallet.use(privateKeyToAccount(devAccount(9).privateKey));
    expect(wallet.account.address).toBe(fields().platform.wallet);
    await page.goto(`${stack.url}/dashboard`);
    // Keyboard only: focus the button and press Enter.
    const signIn = page.getByRole("button", { name: "Sign in with wallet" });
    await expect.poll(() => signIn.isEnabled()).toBe(true);
    await signIn.focus();
    await page.keyboard.press("Enter");
    await page.locator("#platform").waitFor({ state: "visible" });
    expect(await page.locator("#creator .who").textContent()).toContain("owns no API");
    const settled = await (await db())
      .prepare("SELECT COUNT(*) AS n FROM payments WHERE state = 'settled'")
      .first<{ n: number }>();
    expect(await page.locator('[data-total="paid-calls"]').textContent()).toBe(String(settled!.n));
  });

  it("saw no Content-Security-Policy violation and no script error on any page", () => {
    expect(problems).toEqual([]);
  });
});
