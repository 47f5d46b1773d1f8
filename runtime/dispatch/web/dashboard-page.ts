import type { DispatchSettings } from "../settings.ts";
import { escapeHtml, renderPage } from "./html.ts";
import type { WebAssets } from "./web-assets.ts";

/**
 * The dashboard's frame. Its controls start disabled and the script enables them: without
 * JavaScript nothing can be submitted (the admin token must never end up in a URL). Everything private is fetched by the page's script with a session token
 * it keeps in memory (never a cookie), so nothing here depends on who is asking.
 */
export function renderDashboardPage(settings: DispatchSettings, assets: WebAssets): string {
  const main = `<h1>Dashboard</h1>
<div id="dashboard" data-network="${escapeHtml(settings.network)}" data-asset="${escapeHtml(settings.asset)}"${
    settings.platformWallet ? ` data-platform-wallet="${escapeHtml(settings.platformWallet)}"` : ""
  }>
<section id="sign-in" aria-labelledby="sign-in-h"><h2 id="sign-in-h">Creators</h2>
<p>Sign in with the wallet that owns your APIs: the wallet signs a one-time message (no transaction, no gas).
You see the same numbers as <code>402claw stats</code>.</p>
<button type="button" data-action="sign-in" disabled>Sign in with wallet</button>
<noscript><p class="notice">Signing in needs JavaScript and a browser wallet. Without them, use <code>402claw stats</code>.</p></noscript>
<details class="admin"><summary>Platform operator: use the admin token</summary>
<form id="admin-form" method="post" action="/dashboard"><fieldset disabled><label>Admin token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Open the platform view</button></fieldset></form></details>
</section>
<p class="status" role="status" aria-live="polite"></p>
<section id="creator" hidden aria-labelledby="creator-h"><h2 id="creator-h">Your APIs</h2>
<p class="who"></p>
<div class="scroll"><table class="stats"><caption>All time; amounts in USD</caption><thead><tr>
<th scope="col">API</th>${[
    "Paid calls",
    "Failed calls",
    "Unsettled",
    "Gross",
    "Platform fee",
    "Your share",
    "Paid out",
    "Unpaid",
  ]
    .map((label) => `<th scope="col" class="num">${label}</th>`)
    .join("")}<th scope="col"><span class="visually-hidden">Actions</span></th>
</tr></thead><tbody></tbody></table></div>
<div class="chart-controls"><label>API <select name="slug"></select></label>
<label>Buckets <select name="bucket"><option value="hour">Hourly (48 h)</option><option value="day">Daily (30 days)</option></select></label></div>
<figure class="chart" aria-label="Calls and revenue over time"><div id="chart"></div><figcaption>Paid calls and revenue (USD) per bucket</figcaption></figure>
<h3>Recent calls <span class="muted">(updates live)</span></h3>
<div class="scroll"><table class="logs"><thead><tr><th scope="col">Time</th><th scope="col">State</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Latency</th><th scope="col">Payer</th><th scope="col">Transaction</th></tr></thead><tbody></tbody></table></div>
<h3>Payouts</h3><p class="muted">Withdraw pays the split's balance out: your share to your wallet, the platform fee to the platform. The first withdrawal also creates the split (one more transaction).</p>
<div class="scroll"><table class="payouts"><thead><tr><th scope="col">Time</th><th scope="col">To</th><th scope="col" class="num">Amount</th><th scope="col">Transaction</th></tr></thead><tbody></tbody></table></div>
</section>
<section id="platform" hidden aria-labelledby="platform-h"><h2 id="platform-h">Platform</h2>
<dl class="facts totals"></dl>
<h3>Payment states</h3><div class="scroll"><table class="states"><thead><tr><th scope="col">State</th><th scope="col" class="num">Payments</th><th scope="col" class="num">Amount</th></tr></thead><tbody></tbody></table></div>
<p><button type="button" data-action="reconcile">Reconcile unknown payments</button> <span class="reconciled muted"></span></p>
<h3>Top APIs</h3><div class="scroll"><table class="top"><thead><tr><th scope="col">API</th><th scope="col" class="num">Paid calls</th><th scope="col" class="num">Gross</th><th scope="col" class="num">Platform fee</th></tr></thead><tbody></tbody></table></div>
</section>
</div>`;
  return renderPage({
    title: "Dashboard · 402claw",
    main,
    assets,
    scripts: ["dashboard.js"],
    current: "dashboard",
  });
}
