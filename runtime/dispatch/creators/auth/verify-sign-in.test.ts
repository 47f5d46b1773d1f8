import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { devAccount } from "../../../../chain/accounts.ts";
import { createChallenge } from "./challenge.ts";
import { createMemoryNonceStore, type NonceStore } from "./nonce-store.ts";
import { SignInError, type SignInFailureReason } from "./sign-in-error.ts";
import { type VerifySignInInput, verifySignIn } from "./verify-sign-in.ts";

const creator = privateKeyToAccount(devAccount(3).privateKey);
const someoneElse = privateKeyToAccount(devAccount(4).privateKey);
const DOMAIN = "402claw.localhost:8787";
const T0 = new Date("2030-01-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function signedChallenge(store: NonceStore, signer = creator, address = creator.address) {
  const challenge = createChallenge({
    domain: DOMAIN,
    uri: `http://${DOMAIN}/creator/stats`,
    address,
    chainId: 31337,
    now: T0,
    ttlSeconds: 300,
  });
  await store.issue(challenge.nonce, challenge.expiresAt);
  const signature = await signer.signMessage({ message: challenge.message });
  return { ...challenge, signature };
}

function input(
  store: NonceStore,
  signed: { message: string; signature: string },
  now = at(10),
): VerifySignInInput {
  return {
    message: signed.message,
    signature: signed.signature,
    expectedDomain: DOMAIN,
    expectedOrigin: `http://${DOMAIN}`,
    now,
    consumeNonce: (nonce) => store.consume(nonce, now),
  };
}

async function refusal(promise: Promise<unknown>): Promise<SignInFailureReason> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SignInError) return error.reason;
    throw error;
  }
  throw new Error("the sign-in was accepted");
}

describe("creator sign-in (EIP-4361)", () => {
  it("accepts a fresh challenge signed by the wallet it names", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    expect(signed.message).toContain(
      `${DOMAIN} wants you to sign in with your Ethereum account:\n${creator.address}`,
    );
    expect(signed.message).toContain("Expiration Time: 2030-01-01T12:05:00.000Z");
    expect(signed.nonce).toMatch(/^[0-9a-f]{32}$/);

    const result = await verifySignIn(input(store, signed));
    expect(result).toEqual({
      address: creator.address,
      chainId: 31337,
      nonce: signed.nonce,
      expiresAt: at(300),
    });
  });

  it("refuses a signature by another wallet than the one in the message", async () => {
    const store = createMemoryNonceStore();
    expect(await refusal(verifySignIn(input(store, await signedChallenge(store, someoneElse))))).toBe(
      "bad_signature",
    );
    // …and a message naming someone else's wallet, signed by the attacker.
    const claimed = await signedChallenge(store, someoneElse, creator.address);
    const error = await verifySignIn(input(store, claimed)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).message).toContain(`not from ${creator.address}`);
    expect((error as SignInError).status).toBe(401);
  });

  it("refuses an expired message and one from the future", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    expect(await refusal(verifySignIn(input(store, signed, at(300))))).toBe("expired");
    expect(await refusal(verifySignIn(input(store, signed, at(-31))))).toBe("not_yet_valid");
    // Both refusals left the nonce alone: the creator can still use the challenge in time.
    expect((await verifySignIn(input(store, signed, at(299)))).address).toBe(creator.address);
  });

  it("refuses a replayed sign-in and a nonce this site never issued", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    await verifySignIn(input(store, signed));
    expect(await refusal(verifySignIn(input(store, signed, at(20))))).toBe("nonce_reused");

    const foreign = createMemoryNonceStore(); // issued by another store: unknown here
    const elsewhere = await signedChallenge(foreign);
    expect(await refusal(verifySignIn(input(store, elsewhere)))).toBe("nonce_reused");
  });

  it("refuses a message for another domain or origin", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    expect(await refusal(verifySignIn({ ...input(store, signed), expectedDomain: "evil.example" }))).toBe(
      "wrong_domain",
    );
    expect(
      await refusal(
        verifySignIn({ ...input(store, signed), expectedOrigin: "https://402claw.localhost:8787" }),
      ),
    ).toBe("wrong_domain");
  });

  it("refuses a tampered message", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    const swapped = signed.message.replace(creator.address, someoneElse.address);
    expect(await refusal(verifySignIn(input(store, { ...signed, message: swapped })))).toBe("bad_signature");
    const longer = signed.message.replace(
      "Expiration Time: 2030-01-01T12:05",
      "Expiration Time: 2030-01-01T12:09",
    );
    expect(await refusal(verifySignIn(input(store, { ...signed, message: longer })))).toBe("bad_signature");
    const appended = `${signed.message}\nResources:\n- https://evil.example/`;
    expect(await refusal(verifySignIn(input(store, { ...signed, message: appended })))).toBe("bad_signature");
    // A bad attempt does not burn the nonce.
    expect((await verifySignIn(input(store, signed))).address).toBe(creator.address);
  });

  it("refuses malformed messages and signatures with clear reasons", async () => {
    const store = createMemoryNonceStore();
    const signed = await signedChallenge(store);
    expect(await refusal(verifySignIn(input(store, { ...signed, message: "hello" })))).toBe("malformed");
    const noExpiry = signed.message.replace(/\nExpiration Time: .*/, "");
    expect(await refusal(verifySignIn(input(store, { ...signed, message: noExpiry })))).toBe("malformed");
    const trailing = `${signed.message}\nextra line`;
    expect(await refusal(verifySignIn(input(store, { ...signed, message: trailing })))).toBe("malformed");
    expect(await refusal(verifySignIn(input(store, { ...signed, signature: "0x1234" })))).toBe(
      "bad_signature",
    );
    expect(await refusal(verifySignIn(input(store, { ...signed, signature: "not hex" })))).toBe(
      "bad_signature",
    );
  });

  it("refuses a message whose validity is stretched beyond what the site issues", async () => {
    const store = createMemoryNonceStore();
    const challenge = createChallenge({
      domain: DOMAIN,
      uri: `http://${DOMAIN}/`,
      address: creator.address,
      chainId: 31337,
      now: T0,
      ttlSeconds: 3600,
    });
    await store.issue(challenge.nonce, challenge.expiresAt);
    const signature = await creator.signMessage({ message: challenge.message });
    const signed = { message: challenge.message, signature };
    expect(await refusal(verifySignIn({ ...input(store, signed), maxLifetimeSeconds: 600 }))).toBe(
      "malformed",
    );
  });
});

describe("createChallenge", () => {
  it("refuses a URI on another host and odd lifetimes", () => {
    const base = { domain: DOMAIN, address: creator.address, chainId: 1, now: T0 };
    expect(() => createChallenge({ ...base, uri: "https://evil.example/" })).toThrow(/same host/);
    expect(() => createChallenge({ ...base, uri: `http://${DOMAIN}/`, ttlSeconds: 86_400 })).toThrow(
      /ttlSeconds/,
    );
    expect(() =>
      createChallenge({ ...base, domain: "https://x.example", uri: "https://x.example/" }),
    ).toThrow(/domain/);
  });

  it("hands out a different nonce every time", () => {
    const base = { domain: DOMAIN, uri: `http://${DOMAIN}/`, address: creator.address, chainId: 1, now: T0 };
    const nonces = new Set(Array.from({ length: 50 }, () => createChallenge(base).nonce));
    expect(nonces.size).toBe(50);
  });
});
