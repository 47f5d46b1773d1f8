import { execFile } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { fakeSplitRpc } from "../../infra/testing/fake-split-rpc.ts";
import { REPO_ROOT, scratchRoot } from "../../infra/testing/program-fixture.ts";

// The CLI runs in its own process, as a reviewer runs it (Pulumi serialises providers in-process).
async function plan(root: string, ...args: string[]) {
  const result = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "plan", ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CLAW_ROOT: root, NODE_NO_WARNINGS: "1" },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return result;
}

describe("402claw plan", () => {
  it("lists platform resources and every creator API with price, payTo and split; a new folder is one new API", async () => {
    const root = scratchRoot();
    const before = JSON.parse((await plan(root, "--stack", "dev", "--json")).stdout);
    expect(before.platform.map((r: { type: string }) => r.type)).toEqual(
      expect.arrayContaining([
        "WorkersScript",
        "GatewayScript",
        "D1Database",
        "R2Bucket",
        "WorkersKvNamespace",
        "Ruleset",
        "D1Migrations",
        "WorkersCustomDomain",
        "WorkersCronTrigger",
      ]),
    );
    // Offline: no address (that needs the split factory), but the terms that decide it.
    expect(before.apis).toContainEqual({
      slug: "fx-convert",
      kind: "function",
      price: "$0.002",
      payTo: "<0xSplits split, predicted at deploy>",
      splitter: "0xsplits-v2",
      creator: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
      creatorShareBps: 9500,
      platformWallet: "0x000000000000000000000000000000000000dEaD",
      platformFeeBps: 500,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(before.payToSource).toMatch(/not predicted \(offline/);
    const folder = join(root, "stacks/dev/apis/fx-copy");
    cpSync(join(root, "stacks/dev/apis/fx-convert"), folder, { recursive: true });
    writeFileSync(
      join(folder, "api.yaml"),
      readFileSync(join(folder, "api.yaml"), "utf8").replace("slug: fx-convert", "slug: fx-copy"),
    );
    const { stdout, stderr } = await plan(root, "--stack", "dev");
    expect(stdout).toMatch(/Creator APIs \(5\)/);
    expect(stdout).toMatch(
      /fx-copy\s+function\s+\$0\.002\s+per call\s+payTo <0xSplits split, predicted at deploy>/,
    );
    expect(stdout).toMatch(
      /split: creator 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc 95%, platform 0x000000000000000000000000000000000000dEaD 5%/,
    );
    expect(stdout).toMatch(/GatewayScript\s+gateway-script\s+scriptName=402claw-dev-gateway/);
    expect(stdout).toMatch(
      /WorkersCronTrigger\s+gateway-reconcile\s+scriptName=402claw-dev-gateway\s+schedules="\*\/5 \* \* \* \*"/,
    );
    expect(stdout).toMatch(/bindings=.*RPC_URL\(plain_text\)/);
    expect(stderr).toMatch(/placeholder accountId, zoneId, platformWallet; `pulumi up` refuses them/);
  });

  it("--predict asks 402claw:rpcUrl's split factory for each payTo", async () => {
    const root = scratchRoot();
    const rpc = await fakeSplitRpc(84532); // FAKE Base Sepolia on 127.0.0.1
    try {
      const yaml = join(root, "Pulumi.dev.yaml");
      writeFileSync(
        yaml,
        readFileSync(yaml, "utf8").replace(/402claw:rpcUrl: .*/, `402claw:rpcUrl: ${rpc.url}`),
      );
      const planned = JSON.parse((await plan(root, "--stack", "dev", "--json", "--predict")).stdout);
      expect(rpc.calls).toHaveLength(4);
      const fx = planned.apis.find((api: { slug: string }) => api.slug === "fx-convert");
      const call = rpc.calls.find((c) => c.salt === keccak256(stringToBytes("402claw:fx-convert")))!;
      expect(call.allocations).toEqual([950_000n, 50_000n]);
      expect(fx.payTo).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(planned.payToSource).toBe("predicted by the 0xSplits v2 factory on eip155:84532 via " + rpc.url);
    } finally {
      await rpc.close();
    }
  });

  it("--predict against an endpoint of another chain fails, naming 402claw:rpcUrl", async () => {
    const root = scratchRoot();
    const rpc = await fakeSplitRpc(8453); // Base mainnet, while dev is Base Sepolia
    try {
      const yaml = join(root, "Pulumi.dev.yaml");
      writeFileSync(
        yaml,
        readFileSync(yaml, "utf8").replace(/402claw:rpcUrl: .*/, `402claw:rpcUrl: ${rpc.url}`),
      );
      const failure = await plan(root, "--stack", "dev", "--predict").then(
        () => expect.fail("expected the plan to fail"),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure.code).not.toBe(0);
      expect(failure.stderr).toMatch(
        /config 402claw:rpcUrl: .* serves chain 8453, but 402claw:network is eip155:84532/,
      );
      expect(rpc.calls).toEqual([]);
    } finally {
      await rpc.close();
    }
  });

  it("a per-API fee outside the stack's bounds fails the plan, naming the file and field", async () => {
    const root = scratchRoot();
    const manifest = join(root, "stacks/dev/apis/world-cities/api.yaml");
    writeFileSync(manifest, `${readFileSync(manifest, "utf8").trimEnd()}\nplatformFeeBps: 50\n`);
    const failure = await plan(root, "--stack", "dev").then(
      () => expect.fail("expected the plan to fail"),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.stderr).toMatch(
      /stacks\/dev\/apis\/world-cities\/api.yaml: platformFeeBps: 50 bps is outside this stack's bounds \[100, 2000\]/,
    );
  });

  it("prints help and exits 0", async () => {
    const { stderr } = await plan(REPO_ROOT, "--help");
    expect(stderr).toMatch(/Usage: 402claw plan \[--stack dev\] \[--json\] \[--predict\]/);
  });
});
