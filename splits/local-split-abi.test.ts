import type { AbiEvent, AbiFunction } from "viem";
import { describe, expect, it } from "vitest";
import { compileLocalSplitFactory } from "./compile-local-split-factory.ts";
import { localSplitFactoryAbi, paymentSplitterAbi } from "./local-split-abi.ts";

type Item = AbiFunction | AbiEvent;
const signature = (item: Item) =>
  `${item.type} ${item.name}(${item.inputs.map((i) => `${i.type}${"indexed" in i && i.indexed ? " indexed" : ""}`).join(",")})` +
  ("outputs" in item ? `->(${item.outputs.map((o) => o.type).join(",")}) ${item.stateMutability}` : "");

describe("local split ABIs", () => {
  it("match what solc compiles from chain/contracts/LocalSplitFactory.sol and OpenZeppelin's PaymentSplitter", async () => {
    const artifacts = await compileLocalSplitFactory();
    const compiled = (abi: readonly unknown[]) =>
      new Set((abi as Item[]).filter((i) => i.type === "function" || i.type === "event").map(signature));
    const factory = compiled(artifacts.factory.abi);
    for (const item of localSplitFactoryAbi) expect(factory).toContain(signature(item as Item));
    const splitter = compiled(artifacts.paymentSplitter.abi);
    for (const item of paymentSplitterAbi) expect(splitter).toContain(signature(item as Item));
  });
});
