/**
 * What one voucher signature check costs inside workerd: the x402 server scheme checks every
 * voucher with viem's `verifyTypedData` (secp256k1 public-key recovery in JavaScript), on the
 * request path, before anything else can happen. Measured in a worker of its own that checks
 * the same signed voucher many times per request, so workerd's coarse timers do not matter: the
 * client's time for N checks minus its time for none, divided by N.
 */
import { performance } from "node:perf_hooks";
import { BATCH_SETTLEMENT_DOMAIN, voucherTypes } from "@x402/evm";
import { build } from "esbuild";
import { Log, LogLevel, Miniflare } from "miniflare";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../core/build/compat.ts";
import { percentile } from "./stats.ts";

const WORKER = `
import { verifyTypedData } from "viem";
import { voucherTypes } from "@x402/evm";
export default {
  async fetch(request) {
    const { times, check } = await request.json();
    let valid = 0;
    for (let i = 0; i < times; i++) {
      const message = { channelId: check.message.channelId, maxClaimableAmount: BigInt(check.message.maxClaimableAmount) };
      if (await verifyTypedData({ ...check, types: voucherTypes, primaryType: "Voucher", message })) valid++;
    }
    return Response.json({ valid });
  },
};`;

/** Median ms of one voucher check in workerd (`rounds` requests of `times` checks each). */
export async function voucherCheckMs(rounds = 15, times = 40): Promise<number> {
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "silent",
  });
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.WARN),
    modules: [{ type: "ESModule", path: "check.js", contents: bundle.outputFiles[0]!.text }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
  });
  try {
    const url = (await mf.ready).origin;
    const account = privateKeyToAccount(generatePrivateKey());
    const domain = { ...BATCH_SETTLEMENT_DOMAIN, chainId: 31337 };
    const message = { channelId: `0x${"ab".repeat(32)}` as const, maxClaimableAmount: 123_000n };
    const signature = await account.signTypedData({
      domain,
      types: voucherTypes,
      primaryType: "Voucher",
      message,
    });
    const check = {
      address: account.address,
      domain,
      signature,
      message: { ...message, maxClaimableAmount: message.maxClaimableAmount.toString() },
    };
    const timed = async (count: number) => {
      const started = performance.now();
      const answer = (await (
        await fetch(url, { method: "POST", body: JSON.stringify({ times: count, check }) })
      ).json()) as { valid: number };
      if (answer.valid !== count)
        throw new Error(`a voucher check failed in workerd (${answer.valid}/${count})`);
      return performance.now() - started;
    };
    await timed(times); // JIT warm-up
    const perCheck: number[] = [];
    for (let round = 0; round < rounds; round++)
      perCheck.push(((await timed(times)) - (await timed(0))) / times);
    return percentile(
      perCheck.sort((a, b) => a - b),
      50,
    );
  } finally {
    await mf.dispose();
  }
}
