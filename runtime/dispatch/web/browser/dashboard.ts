import { type Address, getAddress, type Hash, isAddress } from "viem";
import type { PlatformOverview } from "../../admin/overview-response.ts";
import type {
  ApiStats,
  LogLine,
  LogsResponse,
  PayoutListResponse,
  PayoutRow,
  PayoutsResponse,
  SeriesResponse,
  StatsResponse,
} from "../../creators/responses.ts";
import { drawChart } from "./chart.ts";
import { el, find, short, usd } from "./format.ts";
import { call, signIn, useToken } from "./session.ts";
import { messageOf } from "./wallet.ts";
import { withdrawFromSplit } from "./withdraw.ts";

// The creator dashboard and the platform view. All numbers come from the gateway's own
// endpoints (the ones `402claw stats` reads); nothing is recomputed here but formatting.

const LIVE_INTERVAL_MS = 3_000;
/** How far back each live poll looks again for calls that reached D1 late or changed state. */
const LOG_LOOKBACK_MS = 5 * 60_000;
const MAX_LOG_ROWS = 50;
const root = document.querySelector<HTMLElement>("#dashboard");
if (root) setUp(root);

function setUp(root: HTMLElement): void {
  const { network, asset, platformWallet } = root.dataset as Record<string, string>;
  const status = find(document, "main .status");
  const say = (text: string, tone?: "good" | "bad") => {
    status.textContent = text;
    status.className = `status${tone ? ` ${tone}` : ""}`;
  };
  const creator = find(root, "#creator");
  const slugSelect = find<HTMLSelectElement>(creator, "select[name=slug]");
  const bucketSelect = find<HTMLSelectElement>(creator, "select[name=bucket]");
  let address: Address | undefined;
  let newest = 0;
  let shown = new Map<string, LogLine>();
  let timer: number | undefined;

  find(root, "[data-action=sign-in]").addEventListener("click", async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    say("Waiting for your wallet…");
    try {
      const session = await signIn(network!);
      address = session.address as Address;
      say(`Signed in as ${session.address}`, "good");
      await showCreator();
      if (platformWallet && address.toLowerCase() === platformWallet.toLowerCase()) await showPlatform();
    } catch (error) {
      say(`Sign-in failed: ${messageOf(error)}`, "bad");
    } finally {
      button.disabled = false;
    }
  });

  find<HTMLFormElement>(root, "#admin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = find<HTMLInputElement>(event.currentTarget as HTMLElement, "input[name=token]");
    useToken(input.value);
    input.value = "";
    try {
      await showPlatform();
      say("Platform view open (admin token)", "good");
    } catch (error) {
      say(`The admin token was refused: ${messageOf(error)}`, "bad");
    }
  });

  find(root, "[data-action=reconcile]").addEventListener("click", async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      const { outcomes } = await call<{ outcomes: unknown[] }>("/admin/reconcile", { method: "POST" });
      find(root, ".reconciled").textContent =
        `Reconciled ${outcomes.length} payment${outcomes.length === 1 ? "" : "s"}.`;
      await showPlatform();
    } catch (error) {
      say(`Reconcile failed: ${messageOf(error)}`, "bad");
    } finally {
      button.disabled = false;
    }
  });

  slugSelect.addEventListener("change", () => void refreshApi(true));
  // The page's controls work only with this script; they are enabled once it is listening.
  find<HTMLButtonElement>(root, "[data-action=sign-in]").disabled = false;
  find<HTMLFieldSetElement>(root, "#admin-form fieldset").disabled = false;
  bucketSelect.addEventListener("change", () => void refreshChart());

  async function showCreator(): Promise<void> {
    const stats = await call<StatsResponse>("/creators/me/stats");
    find(creator, ".who").textContent = stats.apis.length
      ? `${stats.address} owns ${stats.apis.length} API${stats.apis.length === 1 ? "" : "s"}.`
      : `${stats.address} owns no API on this marketplace.`;
    renderStats(stats.apis);
    const chosen = slugSelect.value;
    slugSelect.replaceChildren(...stats.apis.map((api) => el("option", api.title, { value: api.slug })));
    if (chosen && stats.apis.some((api) => api.slug === chosen)) slugSelect.value = chosen;
    creator.hidden = false;
    if (stats.apis.length) await refreshApi(true);
  }

  function renderStats(apis: ApiStats[]): void {
    const body = find(creator, "table.stats tbody");
    body.replaceChildren(
      ...apis.map((api) => {
        const all = api.windows.allTime;
        const row = el("tr", "", { "data-slug": api.slug });
        row.append(
          el("th", api.title, { scope: "row" }),
          numberCell(String(all.paidCalls), "paid-calls"),
          numberCell(String(all.failedCalls), "failed-calls"),
          numberCell(
            all.unsettled.payments ? `${all.unsettled.payments} (${usd(all.unsettled.amount)})` : "0",
            "unsettled",
          ),
          numberCell(usd(all.revenue.gross), "gross"),
          numberCell(usd(all.revenue.platformFee), "platform-fee"),
          numberCell(usd(all.revenue.creatorShare), "creator-share"),
          numberCell(usd(api.payouts.creatorPaid), "creator-paid"),
          numberCell(usd(api.payouts.creatorUnpaid), "creator-unpaid"),
        );
        const actions = el("td");
        const button = el("button", "Withdraw", {
          type: "button",
          class: "secondary",
          "aria-label": `Withdraw ${api.title}`,
        });
        button.addEventListener("click", () => void withdraw(api, button));
        actions.append(button);
        row.append(actions);
        return row;
      }),
    );
  }

  async function withdraw(api: ApiStats, button: HTMLButtonElement): Promise<void> {
    if (!address) return;
    button.disabled = true;
    say(`Withdrawing ${api.title}: confirm the transactions in your wallet…`);
    // Each payout is recorded as soon as its transaction is mined (the gateway reads it from the
    // chain), so a transaction the wallet refuses later never leaves an earlier payout unrecorded.
    const recorded: PayoutRow[] = [];
    const record = async (hash: Hash) => {
      try {
        const answer = await call<PayoutsResponse>("/creators/me/payouts", {
          method: "POST",
          body: { slug: api.slug, txHashes: [hash] },
        });
        recorded.push(...answer.payouts);
      } catch (error) {
        // Stop before the next transaction: the hash is what records this one later.
        throw new Error(`transaction ${hash} is mined but was not recorded (${messageOf(error)})`);
      }
    };
    const paid = (role: PayoutRow["role"]) =>
      usd(recorded.filter((row) => row.role === role).reduce((sum, row) => sum + BigInt(row.amount), 0n));
    try {
      const result = await withdrawFromSplit({
        network: network!,
        asset: asset as Address,
        slug: api.slug,
        payTo: api.payTo as Address,
        split: api.split,
        onMined: record,
      });
      if (result.nothingToWithdraw) {
        say(`${api.title}: nothing to withdraw`);
        return;
      }
      const count = result.txHashes.length;
      say(
        `${api.title}: withdrew ${paid("creator")} to your wallet and ${paid("platform")} to the platform in ${count} transaction${count === 1 ? "" : "s"} (${result.txHashes.map(short).join(", ")})`,
        "good",
      );
      await showCreator();
    } catch (error) {
      if (recorded.length) {
        say(
          `Withdraw stopped after paying ${paid("creator")} to you and ${paid("platform")} to the platform (recorded): ${messageOf(error)}`,
          "bad",
        );
        await showCreator().catch(() => undefined);
      } else {
        say(`Withdraw failed: ${messageOf(error)}`, "bad");
      }
    } finally {
      button.disabled = false;
    }
  }

  async function refreshApi(restart: boolean): Promise<void> {
    if (restart) {
      newest = 0;
      shown = new Map();
      find(creator, "table.logs tbody").replaceChildren();
    }
    window.clearTimeout(timer);
    try {
      await Promise.all([refreshChart(), refreshLogs(), refreshPayouts()]);
    } finally {
      timer = window.setTimeout(() => void live(), LIVE_INTERVAL_MS);
    }
  }

  // Recent calls update live: new or changed calls, then the numbers and the chart.
  async function live(): Promise<void> {
    try {
      if (await refreshLogs()) {
        renderStats((await call<StatsResponse>("/creators/me/stats")).apis);
        await refreshChart();
      }
    } catch (error) {
      say(`Live updates paused: ${messageOf(error)}`, "bad");
      return;
    }
    timer = window.setTimeout(() => void live(), LIVE_INTERVAL_MS);
  }

  async function refreshChart(): Promise<void> {
    if (!slugSelect.value) return;
    const series = await call<SeriesResponse>(
      `/creators/me/series?slug=${encodeURIComponent(slugSelect.value)}&bucket=${bucketSelect.value}`,
    );
    drawChart(find(creator, "#chart"), find(creator, ".chart figcaption"), series);
  }

  async function refreshPayouts(): Promise<void> {
    if (!slugSelect.value) return;
    const { payouts } = await call<PayoutListResponse>(
      `/creators/me/payouts?slug=${encodeURIComponent(slugSelect.value)}`,
    );
    const body = find(creator, "table.payouts tbody");
    if (payouts.length) body.replaceChildren(...payouts.map(payoutRow));
    else body.replaceChildren(emptyRow("No payouts yet.", 4));
  }

  async function refreshLogs(): Promise<number> {
    if (!slugSelect.value) return 0;
    // Payments reach D1 from each payer's ledger on its own schedule, so an older call can arrive
    // after a newer one, and a call's state can still change: look back a while, merge by id.
    const since = newest === 0 ? 0 : Math.max(0, newest - LOG_LOOKBACK_MS);
    const { calls } = await call<LogsResponse>(
      `/creators/me/logs?slug=${encodeURIComponent(slugSelect.value)}&since=${since}&limit=${MAX_LOG_ROWS}`,
    );
    let changed = 0;
    for (const line of calls) {
      const before = shown.get(line.id);
      if (before && before.state === line.state && before.responseStatus === line.responseStatus) continue;
      shown.set(line.id, line);
      changed++;
    }
    if (changed === 0) return 0;
    const lines = [...shown.values()]
      .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
      .slice(0, MAX_LOG_ROWS);
    shown = new Map(lines.map((line) => [line.id, line]));
    newest = Math.max(newest, ...lines.map((line) => line.createdAt));
    find(creator, "table.logs tbody").replaceChildren(...lines.map(logRow));
    return changed;
  }

  async function showPlatform(): Promise<void> {
    const overview = await call<PlatformOverview>("/admin/overview");
    const platform = find(root, "#platform");
    const totals = find(platform, "dl.totals");
    const fact = (label: string, value: string, key: string) => {
      const div = el("div");
      div.append(el("dt", label), el("dd", value, { "data-total": key }));
      return div;
    };
    totals.replaceChildren(
      fact("Gross revenue", usd(overview.totals.gross), "gross"),
      fact("Platform fees", usd(overview.totals.platformFee), "platform-fee"),
      fact("Creators' share", usd(overview.totals.creatorShare), "creator-share"),
      fact("Paid calls", String(overview.totals.paidCalls), "paid-calls"),
      fact("Failed calls", String(overview.totals.failedCalls), "failed-calls"),
      fact("Unknown payments", String(overview.totals.unknownPayments), "unknown"),
    );
    find(platform, "table.states tbody").replaceChildren(
      ...overview.states.map((state) => {
        const row = el("tr", "", { "data-state": state.state });
        row.append(
          el("th", state.state, { scope: "row" }),
          numberCell(String(state.payments)),
          numberCell(usd(state.amount)),
        );
        return row;
      }),
    );
    find(platform, "table.top tbody").replaceChildren(
      ...overview.topApis.map((api) => {
        const row = el("tr", "", { "data-slug": api.slug });
        const link = el("a", api.slug, { href: `/catalog/${api.slug}` });
        const head = el("th", "", { scope: "row" });
        head.append(link);
        row.append(
          head,
          numberCell(String(api.paidCalls)),
          numberCell(usd(api.revenue.gross)),
          numberCell(usd(api.revenue.platformFee)),
        );
        return row;
      }),
    );
    platform.hidden = false;
  }
}

function numberCell(text: string, key?: string): HTMLTableCellElement {
  return el("td", text, key ? { class: "num", "data-field": key } : { class: "num" });
}

function logRow(line: LogLine): HTMLTableRowElement {
  const row = el("tr", "", { "data-id": line.id });
  row.append(
    el("td", new Date(line.createdAt).toLocaleString()),
    el("td", stateLabel(line.state), { "data-state": line.state }),
    el("td", line.responseStatus === null ? "–" : String(line.responseStatus)),
    numberCell(usd(line.amount)),
    numberCell(line.latencyMs === null ? "–" : `${line.latencyMs} ms`),
    el("td", short(checksummed(line.payer)), { title: checksummed(line.payer) }),
    el("td", line.txHash ? short(line.txHash) : "–", line.txHash ? { title: line.txHash } : {}),
  );
  return row;
}

function payoutRow(payout: PayoutRow): HTMLTableRowElement {
  const row = el("tr", "", { "data-id": String(payout.id), "data-role": payout.role });
  row.append(
    el("td", new Date((payout.confirmedAt ?? payout.createdAt) * 1000).toLocaleString()),
    el("td", payout.role === "creator" ? "You" : "Platform fee", { title: payout.recipient }),
    numberCell(usd(payout.amount)),
    el("td", short(payout.txHash), { title: payout.txHash }),
  );
  return row;
}

/** A batch-settlement voucher's state reads as what it is: e.g. `batch_charged` → "charged (voucher)". */
function stateLabel(state: string): string {
  return state.startsWith("batch_") ? `${state.slice("batch_".length)} (voucher)` : state;
}

/** Ledgers store some payers in lower case; people compare addresses in their checksummed form. */
function checksummed(address: string): string {
  return isAddress(address, { strict: false }) ? getAddress(address) : address;
}

function emptyRow(text: string, columns: number): HTMLTableRowElement {
  const row = el("tr");
  row.append(el("td", text, { colspan: String(columns), class: "muted" }));
  return row;
}
