import { describe, expect, it } from "vitest";
import { readCapped } from "./read-capped.ts";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe("readCapped", () => {
  it("reads a whole stream within the cap", async () => {
    const { bytes, overflow } = await readCapped(streamOf("ab", "cd"), 4);
    expect(new TextDecoder().decode(bytes)).toBe("abcd");
    expect(overflow).toBe(false);
  });

  it("stops and cancels once the cap is passed", async () => {
    let cancelled = false;
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(10));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { bytes, overflow } = await readCapped(endless, 25);
    expect(overflow).toBe(true);
    expect(bytes.byteLength).toBe(30);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(10);
  });

  it("rejects when the stream fails midway", async () => {
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array(1));
        else controller.error(new Error("broke"));
      },
    });
    await expect(readCapped(broken, 100)).rejects.toThrow("broke");
  });
});
