import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { type AnvilHandle, blockTimeFromEnv, parseBlockTime, startAnvil } from "./anvil.ts";
import { freePort, isPortInUse } from "./free-port.ts";

const started: AnvilHandle[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(started.map((a) => a.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start(...args: Parameters<typeof startAnvil>): Promise<AnvilHandle> {
  const anvil = await startAnvil(...args);
  started.push(anvil);
  return anvil;
}

describe("startAnvil", () => {
  it("answers RPC on loopback with the requested chain id, and stop() frees the port", async () => {
    const port = await freePort();
    const anvil = await start({ port, chainId: 4242 });
    expect(anvil.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    expect(await client.getChainId()).toBe(4242);

    await anvil.stop();
    expect(await isPortInUse(port)).toBe(false);
    await anvil.stop(); // idempotent
  });

  it("refuses a busy port with a clear error", async () => {
    const anvil = await start({ port: await freePort() });
    const port = Number(new URL(anvil.rpcUrl).port);
    await expect(startAnvil({ port })).rejects.toThrow(/port \d+ .* already in use/);
  });

  it("keeps chain state across restarts with a state file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "anvil-state-"));
    dirs.push(dir);
    const stateFile = join(dir, "state.json");
    const port = await freePort();

    const first = await start({ port, stateFile });
    const rpc = (url: string, method: string, params: unknown[] = []) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      }).then((r) => r.json() as Promise<{ result: string }>);
    await rpc(first.rpcUrl, "anvil_setBalance", ["0x000000000000000000000000000000000000dEaD", "0x1234"]);
    await rpc(first.rpcUrl, "evm_mine");
    await first.stop();

    const second = await start({ port, stateFile });
    const balance = await rpc(second.rpcUrl, "eth_getBalance", [
      "0x000000000000000000000000000000000000dEaD",
      "latest",
    ]);
    expect(balance.result).toBe("0x1234");
  });
});

describe("block time settings", () => {
  it("reads CHAIN_BLOCK_TIME as whole seconds, 0 or empty meaning instant, and names the setting when wrong", () => {
    expect(blockTimeFromEnv({})).toBeUndefined();
    expect(blockTimeFromEnv({ CHAIN_BLOCK_TIME: "" })).toBeUndefined();
    expect(blockTimeFromEnv({ CHAIN_BLOCK_TIME: "0" })).toBeUndefined();
    expect(blockTimeFromEnv({ CHAIN_BLOCK_TIME: "2" })).toBe(2);
    expect(() => blockTimeFromEnv({ CHAIN_BLOCK_TIME: "fast" })).toThrow(
      /CHAIN_BLOCK_TIME must be a whole number/,
    );
    expect(() => parseBlockTime("1.5", "--block-time")).toThrow(/--block-time must be a whole number/);
    expect(() => parseBlockTime("-2", "--block-time")).toThrow(/--block-time/);
  });
});
