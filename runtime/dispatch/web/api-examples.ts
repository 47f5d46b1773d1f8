import type { ApiRecord } from "../api-record.ts";

/** A data API's column as the catalog row describes it. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** Query examples that work against this data API's own columns (the grammar in the design). */
export function queryExamples(
  columns: readonly ColumnInfo[],
  sample: Record<string, unknown> | null,
): string[] {
  const examples = ["?limit=5", "?page=2&limit=10"];
  const text = columns.find((column) => column.type === "string");
  const number = columns.find((column) => column.type === "number");
  if (text) {
    const value = sample?.[text.name];
    if (typeof value === "string" && value) {
      examples.push(`?filter_${text.name}=${encodeURIComponent(value)}`);
      examples.push(`?filter_${text.name}__contains=${encodeURIComponent(value.slice(0, 3))}`);
    }
  }
  if (number) {
    const value = sample?.[number.name];
    if (typeof value === "number")
      examples.push(`?filter_${number.name}__gte=${value}&sort=${number.name}&order=desc`);
    else examples.push(`?sort=${number.name}&order=desc&limit=3`);
  }
  if (columns.length >= 2)
    examples.push(
      `?fields=${columns
        .slice(0, 2)
        .map((c) => c.name)
        .join(",")}`,
    );
  return examples;
}

/** The example call's path and query, relative to the API (e.g. "?limit=5"). */
export function exampleSuffix(api: ApiRecord): string {
  const suffix = api.example ?? (api.kind === "data" ? "?limit=5" : "");
  return suffix === "" || suffix.startsWith("/") || suffix.startsWith("?") ? suffix : `/${suffix}`;
}

/** Code that pays for one call: curl (to see the 402), JavaScript with @x402/fetch, and Python. */
export function codeExamples(url: string): { curl: string; javascript: string; python: string } {
  return {
    curl: `# Without a payment the API answers 402 with its price in the PAYMENT-REQUIRED header
curl -i '${url}'`,
    javascript: `import { x402Client } from "@x402/core/client";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment } from "@x402/fetch";
import { privateKeyToAccount } from "viem/accounts";

const account = privateKeyToAccount(process.env.PRIVATE_KEY);
const client = new x402Client().register("eip155:*", new ExactEvmScheme(account));
const pay = wrapFetchWithPayment(fetch, client);
const response = await pay("${url}");
console.log(await response.json());`,
    python: `# pip install "x402[requests,evm]" eth-account   (x402 Python SDK v2)
import os
from eth_account import Account
from x402 import x402ClientSync
from x402.http.clients import x402_requests
from x402.mechanisms.evm import EthAccountSigner
from x402.mechanisms.evm.exact.register import register_exact_evm_client

client = x402ClientSync()
register_exact_evm_client(client, EthAccountSigner(Account.from_key(os.environ["PRIVATE_KEY"])))
with x402_requests(client) as session:
    response = session.get("${url}")
    print(response.json())`,
  };
}
