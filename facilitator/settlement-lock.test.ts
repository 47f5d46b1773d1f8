import { describe, expect, it } from "vitest";
import { SettlementLock } from "./settlement-lock.ts";

const keepAll = () => true;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("SettlementLock", () => {
  it("runs concurrent duplicates once and gives every caller the same result", async () => {
    const lock = new SettlementLock<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = () => {
      runs++;
      return gate.promise;
    };
    const calls = Array.from({ length: 20 }, () => lock.run("k", "f", Date.now() + 60_000, work, keepAll));
    gate.resolve("tx1");
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(results.map((r) => r.result)).toEqual(Array(20).fill("tx1"));
    expect(results.filter((r) => r.outcome === "first")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "joined")).toHaveLength(19);

    const later = await lock.run("k", "f", Date.now() + 60_000, work, keepAll);
    expect(later).toEqual({ result: "tx1", outcome: "recorded" });
    expect(runs).toBe(1);
  });

  it("forgets results it is told not to keep, and failures, so a retry runs", async () => {
    const lock = new SettlementLock<string>();
    let runs = 0;
    const expires = Date.now() + 60_000;
    await lock.run(
      "k",
      "f",
      expires,
      async () => `r${++runs}`,
      () => false,
    );
    await expect(
      lock.run(
        "k",
        "f",
        expires,
        async () => {
          runs++;
          throw new Error("rpc down");
        },
        keepAll,
      ),
    ).rejects.toThrow("rpc down");
    const third = await lock.run("k", "f", expires, async () => `r${++runs}`, keepAll);
    expect(third).toEqual({ result: "r3", outcome: "first" });
    expect(lock.size).toBe(1);
  });

  it("does not hand one request's result to a different request for the same key", async () => {
    const lock = new SettlementLock<string>();
    const gate = deferred<string>();
    const order: string[] = [];
    const first = lock.run(
      "k",
      "a",
      Date.now() + 60_000,
      () =>
        gate.promise.then((r) => {
          order.push("a");
          return r;
        }),
      keepAll,
    );
    const second = lock.run(
      "k",
      "b",
      Date.now() + 60_000,
      async () => {
        order.push("b");
        return "own";
      },
      keepAll,
    );
    gate.resolve("tx-a");
    expect((await first).result).toBe("tx-a");
    expect((await second).result).toBe("own");
    expect(order).toEqual(["a", "b"]);
  });

  it("expires entries after validBefore and caps its size", async () => {
    let now = 1_000;
    const lock = new SettlementLock<number>({ maxEntries: 3, now: () => now });
    for (let i = 0; i < 10; i++) await lock.run(`k${i}`, "f", 2_000, async () => i, keepAll);
    expect(lock.size).toBeLessThanOrEqual(3);

    now = 5_000;
    const again = await lock.run("k9", "f", 9_000, async () => 99, keepAll);
    expect(again).toEqual({ result: 99, outcome: "first" });
    expect(lock.size).toBe(1);
  });
});
