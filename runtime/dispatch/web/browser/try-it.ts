import { x402Client } from "@x402/core/client";
import type { ClientEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { decodePaymentResponseHeader, wrapFetchWithPayment } from "@x402/fetch";
import { find } from "./format.ts";
import { connectWallet, messageOf } from "./wallet.ts";

// "Try it" on an API page: the official x402 client pays from the browser wallet (EIP-1193),
// which signs the EIP-3009 authorization; the gateway settles it and answers with the receipt.

const form = document.querySelector<HTMLFormElement>("#try-it");
if (form) {
  form.addEventListener("submit", (event) => void pay(event, form));
  // Paying needs this script: the form is enabled only once it is listening.
  find<HTMLFieldSetElement>(form, "fieldset").disabled = false;
}

async function pay(event: SubmitEvent, form: HTMLFormElement): Promise<void> {
  event.preventDefault();
  const result = find(document, "#try-result");
  const status = find(result, ".status");
  const receipt = find(result, ".receipt");
  const output = find(result, ".response code");
  const button = find<HTMLButtonElement>(form, "button[type=submit]");
  const { slug, network, asset, maxAmount, explorerTx } = form.dataset as Record<string, string>;
  result.hidden = false;
  receipt.hidden = true;
  output.textContent = "";
  button.disabled = true;
  show(status, "Connecting to your wallet…");
  try {
    const { address, wallet } = await connectWallet(network!);
    // The wallet signs the typed data x402 builds; viem passes it on as eth_signTypedData_v4.
    const signer: ClientEvmSigner = {
      address,
      signTypedData: (message) => wallet.signTypedData({ account: address, ...message } as never),
    };
    const client = new x402Client()
      .register(network as `${string}:${string}`, new ExactEvmScheme(signer))
      .setSpendControls({ allowedAssets: [{ network: network as `${string}:${string}`, asset: asset! }] })
      // Never sign for more than the price this page shows.
      .registerPolicy((_version, requirements) =>
        requirements.filter((option) => BigInt(option.amount) <= BigInt(maxAmount!)),
      );
    const payingFetch = wrapFetchWithPayment(fetch, client);
    const path = (find<HTMLInputElement>(form, "input[name=path]").value || "").trim();
    const suffix = path === "" || path.startsWith("?") || path.startsWith("/") ? path : `/${path}`;
    show(status, "Waiting for your wallet's signature…");
    const response = await payingFetch(`/${slug}${suffix}`, { headers: { accept: "application/json" } });
    const header = response.headers.get("payment-response");
    const text = await response.text();
    output.textContent = pretty(text);
    if (header) {
      const settled = decodePaymentResponseHeader(header);
      find(receipt, "[data-field=payer]").textContent = settled.payer ?? address;
      const tx = find(receipt, "[data-field=transaction]");
      tx.replaceChildren();
      const code = document.createElement("code");
      code.textContent = settled.transaction;
      if (explorerTx) {
        const link = document.createElement("a");
        link.href = explorerTx + settled.transaction;
        link.append(code);
        tx.append(link);
      } else tx.append(code);
      find(receipt, "[data-field=network]").textContent = settled.network;
      receipt.hidden = false;
    }
    show(
      status,
      response.ok
        ? `Paid and answered: HTTP ${response.status}`
        : `The API answered HTTP ${response.status}${reason(text)}${header ? "" : " (not charged)"}`,
      response.ok ? "good" : "bad",
    );
  } catch (error) {
    show(status, `Not paid: ${messageOf(error)}`, "bad");
  } finally {
    button.disabled = false;
  }
}

function show(element: HTMLElement, text: string, tone?: "good" | "bad"): void {
  element.textContent = text;
  element.className = `status${tone ? ` ${tone}` : ""}`;
}

/** The gateway's error message (one JSON error shape everywhere), if the body is one. */
function reason(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return "";
  }
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2).slice(0, 20_000);
  } catch {
    return text.slice(0, 20_000);
  }
}
