// Runs the facilitator on its own: `FACILITATOR_PRIVATE_KEY=0x... npx tsx facilitator/main.ts`.
// See facilitatorConfigFromEnv for every variable.
import { privateKeyToAccount } from "viem/accounts";
import { facilitatorConfigFromEnv } from "./config.ts";
import { startFacilitator } from "./server.ts";

const config = facilitatorConfigFromEnv();
const handle = await startFacilitator(config);
const networks = config.networks.map((n) => `eip155:${n.chainId} via ${n.rpcUrl}`).join(", ");
console.log(
  `facilitator ${privateKeyToAccount(config.privateKey).address} listening on ${handle.url} (exact and batch-settlement on ${networks})`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void handle.stop().then(() => process.exit(0));
  });
}
