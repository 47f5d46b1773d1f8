import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, isAddressInUse, startOnPort } from "./free-port.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      servers.push(server);
      resolve(server);
    });
  });
}

describe("freePort", () => {
  it("picks a bindable port below the ephemeral range, where listen(0) and outgoing connections never land", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
    await expect(listen(port)).resolves.toBeDefined();
  });
});

describe("startOnPort", () => {
  it("picks again when the picked port is taken before the server binds it", async () => {
    const tried: number[] = [];
    const started = await startOnPort(0, async (port) => {
      tried.push(port);
      // The first pick is taken by someone else in between, as a parallel test could.
      if (tried.length === 1) await listen(port);
      return listen(port);
    });
    expect(tried).toHaveLength(2);
    expect(tried[0]).not.toBe(tried[1]);
    expect(started.address()).toMatchObject({ port: tried[1] });
  });

  it("never retries a port the caller asked for, nor an error that is not a taken port", async () => {
    const taken = await listen(0);
    const port = (taken.address() as { port: number }).port;
    let calls = 0;
    await expect(
      startOnPort(port, (p) => {
        calls++;
        return listen(p);
      }),
    ).rejects.toSatisfy(isAddressInUse);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      startOnPort(0, async () => {
        calls++;
        throw new Error("chain id mismatch");
      }),
    ).rejects.toThrow("chain id mismatch");
    expect(calls).toBe(1);
  });
});
