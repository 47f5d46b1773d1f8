import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import type { LocalStack } from "../local/stack.ts";
import { balanceOf as chainBalanceOf } from "./support/chain.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { runCli, startTestStack } from "./support/test-stack.ts";

// Revenue splits on the real local chain: each API is paid to its own split (the local
// PaymentSplitter stand-in); creators withdraw their share, the platform's share goes to its wallet.
let project: TempProject;
let stack: LocalStack;
let platformWallet: Address;

const CITIES_OWNER = devAccount(3); // owns world-cities ($0.001)
const ELEMENTS_OWNER = devAccount(4); // owns chemical-elements ($0.0005)

beforeAll(async () => {
  project = makeTempProject();
  stack = await startTestStack(project);
  platformWallet = (stack.devFile as unknown as { platform: { wallet: Address } }).platform.wallet;
  const pay = demoPayerFetch(stack.devFile);
  for (let call = 0; call < 3; call++)
    expect((await pay(`${stack.url}/world-cities?limit=1`)).status).toBe(200);
  for (let call = 0; call < 2; call++)
    expect((await pay(`${stack.url}/chemical-elements?limit=1`)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // the ledgers' batched export to D1
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  project?.remove();
});

const balanceOf = (owner: string) => chainBalanceOf(stack, owner);

const cli = (...args: string[]) => runCli(project, ...args);

describe("revenue splits", () => {
  it("pays each API to its own split address, not to the creator directly", async () => {
    const cities = stack.devFile.apis.find((api) => api.slug === "world-cities")!;
    expect(cities.payTo).not.toBe(cities.owner);
    expect(await balanceOf(cities.payTo)).toBe(3_000n);
  });

  it("withdraw moves exactly the creator's share, and the platform's share to the platform wallet", async () => {
    const [creatorBefore, platformBefore] = [
      await balanceOf(CITIES_OWNER.address),
      await balanceOf(platformWallet),
    ];
    const { code, stdout } = await cli("withdraw", "world-cities");
    expect(code).toBe(0);
    expect(stdout).toContain("world-cities: creator $0.0027");
    expect(stdout).toMatch(/tx 0x[0-9a-f]{64}/);
    // The default platform fee is 1000 bps (10%): 3000 units → 2700 creator, 300 platform.
    expect((await balanceOf(CITIES_OWNER.address)) - creatorBefore).toBe(2_700n);
    expect((await balanceOf(platformWallet)) - platformBefore).toBe(300n);
    // and a payout row per recipient, read by the gateway from the chain
    expect(stdout).toContain("recorded 2 payout rows");
    const { results } = await (await stack.mf.getD1Database("DB", "dispatch"))
      .prepare(
        "SELECT role, recipient, amount_atomic FROM payouts WHERE api_slug = 'world-cities' ORDER BY role",
      )
      .all();
    expect(results).toEqual([
      { role: "creator", recipient: CITIES_OWNER.address, amount_atomic: 2700 },
      { role: "platform", recipient: platformWallet, amount_atomic: 300 },
    ]);
  });

  it("a second withdraw pays nothing and says so", async () => {
    const before = await balanceOf(CITIES_OWNER.address);
    const { code, stdout } = await cli("withdraw", "world-cities");
    expect(code).toBe(0);
    expect(stdout).toContain("world-cities: nothing to withdraw");
    expect(await balanceOf(CITIES_OWNER.address)).toBe(before);
  });

  it("another owner withdraws their own API's share", async () => {
    const before = await balanceOf(ELEMENTS_OWNER.address);
    const { code } = await cli("withdraw", "chemical-elements");
    expect(code).toBe(0);
    expect((await balanceOf(ELEMENTS_OWNER.address)) - before).toBe(900n);
  });

  it("refuses to withdraw an API for a wallet that does not own it", async () => {
    const { code, stderr } = await cli("withdraw", "world-cities", "--key", ELEMENTS_OWNER.privateKey);
    expect(code).toBe(1);
    expect(stderr).toContain(`${ELEMENTS_OWNER.address} does not own an API named 'world-cities'`);
  });

  it("ledger = received by split = creator + platform payouts + balance, per API", async () => {
    const { code, stdout, stderr } = await cli("ledger");
    expect(stderr).toContain("ledger agrees with the chain");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /world-cities\s+settled \$0\.003 = received \$0\.003 = creator \$0\.0027 \+ platform \$0\.0003 \+ in split \$0\.00\s+ok/,
    );
  });
});
