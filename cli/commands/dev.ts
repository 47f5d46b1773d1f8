import { watch } from "node:fs";
import { blockTimeFromEnv, parseBlockTime } from "../../chain/anvil.ts";
import { stackApisDir } from "../../core/manifest/load.ts";
import { projectRoot } from "../../local/paths.ts";
import {
  DEFAULT_CHAIN_PORT,
  DEFAULT_FACILITATOR_PORT,
  DEFAULT_PORT,
  type LocalStack,
  startLocalStack,
} from "../../local/stack.ts";
import { parseCommandArgs } from "../args.ts";
import { say } from "../output.ts";

const HELP = `Usage: 402claw dev [--stack dev] [--port 8787] [--chain-port 8545] [--facilitator-port 4020]
                   [--block-time <seconds>] [--no-watch]
       (npm start runs this; pass flags after --, e.g. npm start -- --block-time 2)

Runs the whole marketplace on this machine, offline: a local EVM chain (anvil) with the test USDC
token, the x402 facilitator, and workerd with the dispatch worker, the outbound worker and a local
dispatch namespace; D1, R2, KV and the payer ledgers persisted in .local/state, chain state in
.local/chain; every API of stacks/<stack>/apis built and published. Writes .local/dev.json.
PORT, CHAIN_PORT and FACILITATOR_PORT override the ports. --block-time (or CHAIN_BLOCK_TIME) makes
the chain mine a block every N seconds, as Base does every 2 s (default: each transaction at once).
Watches the stack's API folders and republishes on change. Ctrl-C stops everything.`;

export async function runDev(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      stack: { type: "string", default: "dev" },
      port: { type: "string" },
      "chain-port": { type: "string" },
      "facilitator-port": { type: "string" },
      "block-time": { type: "string" },
      "no-watch": { type: "boolean" },
    },
    false,
  );
  if (values.help) {
    say(HELP);
    return 0;
  }
  process.env.WRANGLER_SEND_METRICS = "false";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const port = Number(values.port ?? process.env.PORT ?? DEFAULT_PORT);
  const started = Date.now();
  const stack = await startLocalStack({
    root: projectRoot(),
    stack: values.stack!,
    port,
    chainPort: Number(values["chain-port"] ?? process.env.CHAIN_PORT ?? DEFAULT_CHAIN_PORT),
    facilitatorPort: Number(
      values["facilitator-port"] ?? process.env.FACILITATOR_PORT ?? DEFAULT_FACILITATOR_PORT,
    ),
    blockTimeSeconds:
      values["block-time"] === undefined
        ? blockTimeFromEnv()
        : (parseBlockTime(values["block-time"], "--block-time") ?? 0),
  });
  printBanner(stack, Date.now() - started);
  printFailures(stack);
  const stopWatching = values["no-watch"] ? () => {} : watchApis(stack, projectRoot(), values.stack!);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      say(`\n${signal}: stopping the local marketplace…`);
      stopWatching();
      stack.stop().then(resolve, resolve);
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    // A closed terminal: stop as for Ctrl-C, so anvil writes its state and nothing is left running.
    process.once("SIGHUP", () => shutdown("SIGHUP"));
  });
  return 0;
}

function printBanner(stack: LocalStack, ms: number): void {
  const rows = stack.devFile.apis.map(
    (api) => `  ${api.slug.padEnd(22)} ${api.kind.padEnd(9)} ${api.price.padEnd(9)} ${api.title}`,
  );
  const first = stack.devFile.apis[0];
  say(`
402claw marketplace running at ${stack.url}   (ready in ${ms} ms)
local chain ${stack.chain.rpcUrl} (${stack.chain.network}, ${stack.chain.blockTimeSeconds ? `a block every ${stack.chain.blockTimeSeconds} s` : "instant blocks"}), USDC ${stack.chain.asset}, facilitator ${stack.facilitatorUrl}

${rows.join("\n") || "  (no APIs in this stack yet: 402claw init <slug> --kind data --source file.csv)"}

Try:
  curl ${stack.url}/                       # catalog (JSON)
  curl ${stack.url}/health${first ? `\n  curl -i '${first.url}?limit=2'                 # 402: payment required\n  npx 402claw call '${first.url}?limit=2'       # pays as the demo wallet, prints the receipt` : ""}

For agents: ${stack.url}/openapi.json, ${stack.url}/llms.txt, MCP at ${stack.url}/mcp (or \`npx 402claw mcp\` over stdio)
Every 5 min the gateway's cron reconciles unknown payments and claims channels across payers (now: npx 402claw settle)
Dev settings for tools and x402 clients: ${stack.devFilePath}
Ctrl-C stops everything.`);
}

/** Names every API that is not live, with why and how to fix it (the others are served). */
function printFailures(stack: LocalStack): void {
  if (stack.failures.length === 0) return;
  const names = [...new Set(stack.failures.map((failure) => failure.api))];
  say(`not published (${names.join(", ")}); an earlier good version, if any, is still served:`);
  for (const failure of stack.failures) say(`  ${failure.api}: ${failure.message}`);
}

/** Republishes the stack when any API folder changes (debounced); errors are reported, not fatal. */
function watchApis(stack: LocalStack, root: string, stackName: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = watch(stackApisDir(root, stackName), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stack.reload().then(
        (apis) => {
          say(`republished ${apis.length} APIs: ${apis.map((api) => api.slug).join(", ")}`);
          printFailures(stack);
        },
        (error: unknown) => say(`not republished: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, 300);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
