/** The chain's RPC did not answer; the HTTP face turns this into a 502 with the reason. */
export class RpcUnavailableError extends Error {
  constructor(
    readonly network: string,
    readonly rpcUrl: string,
    detail: string,
  ) {
    super(`RPC for ${network} at ${rpcUrl} is unreachable: ${detail}. Check that the node is running.`);
    this.name = "RpcUnavailableError";
  }
}

const TRANSPORT_ERROR_NAMES = new Set([
  "HttpRequestError",
  "TimeoutError",
  "WebSocketRequestError",
  "SocketClosedError",
]);
const TRANSPORT_MESSAGE =
  /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|took too long/i;

/** True when an error (or one of its causes) says the RPC could not be reached, as opposed to a revert. */
export function isTransportError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (TRANSPORT_ERROR_NAMES.has(current.name)) return true;
    if ("code" in current && typeof current.code === "string" && TRANSPORT_MESSAGE.test(current.code))
      return true;
    if (TRANSPORT_MESSAGE.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
