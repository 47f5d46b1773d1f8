import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { localDir, projectRoot } from "../local/paths.ts";

/** The fields of `.local/dev.json` the CLI uses (written by the local stack). */
export interface DevSettings {
  gateway: string;
  rpc: string;
  chainId: number;
  network: `${string}:${string}`;
  asset: Address;
  facilitator: string;
  payer: { address: Address; privateKey: Hex };
  admin: { token: string };
  apis: Array<{ slug: string; payTo: Address; price: string; owner: Address }>;
  creators?: Array<{ address: Address; privateKey: Hex }>;
}

/** The running local marketplace's settings, or undefined when `npm start` has not written them. */
export function readDevSettings(): DevSettings | undefined {
  const path = join(localDir(projectRoot()), "dev.json");
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DevSettings;
}

/** The local settings, or an error that says how to get them. */
export function requireDevSettings(): DevSettings {
  const settings = readDevSettings();
  if (!settings) throw new Error("no .local/dev.json: start the local marketplace first with `npm start`");
  return settings;
}

/** Calls a platform-only endpoint of the gateway with the admin token. */
export async function adminFetch(
  settings: DevSettings,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  const token = process.env.ADMIN_TOKEN ?? settings.admin.token;
  const response = await fetch(`${settings.gateway}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => {
    throw new Error(`cannot reach ${settings.gateway}: is \`npm start\` running?`);
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
