import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago.
 *
 * Picked below the kernel's ephemeral range, never by binding port 0: the ephemeral range is
 * where every `listen(0)` and every outgoing connection's local port comes from, so a port
 * picked there can be taken again before its server binds it (CI saw workerd fail with
 * ERR_ADDRESS_IN_USE while parallel tests opened connections). Below that range only another
 * picker like this one competes, at random over thousands of ports.
 */
export async function freePort(): Promise<number> {
  const { low, high } = pickRange();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canBind(port)) return port;
  }
  throw new Error(`could not find a free port between ${low} and ${high} on 127.0.0.1`);
}

/** True for the errors our servers raise when their port was taken (Node, Miniflare, our own messages). */
export function isAddressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "EADDRINUSE" || code === "ERR_ADDRESS_IN_USE" || /already in use/i.test(error.message);
}

/**
 * Starts a server on `requested`, or when it is 0 on a port picked by `freePort`, picking again
 * if that port was taken between the pick and the bind.
 */
export async function startOnPort<T>(requested: number, start: (port: number) => Promise<T>): Promise<T> {
  if (requested !== 0) return start(requested);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 5 || !isAddressInUse(error)) throw error;
    }
  }
}

const PICK_FLOOR = 20_000;

/** [low, high): from PICK_FLOOR up to the ephemeral range's start (Linux default 32768). */
function pickRange(): { low: number; high: number } {
  let ephemeralStart = 32_768;
  try {
    const [first] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const parsed = Number(first);
    if (Number.isInteger(parsed) && parsed > PICK_FLOOR + 1_000) ephemeralStart = parsed;
  } catch {
    // Not Linux: 20000–32767 is below macOS's and Windows' ephemeral ranges (49152+) too.
  }
  return { low: PICK_FLOOR, high: ephemeralStart };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections on host:port. */
export async function isPortInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}
