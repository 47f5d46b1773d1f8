import { say } from "./output.ts";

/** A CLI command: takes its own argv, returns the process exit code. */
export type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  init: {
    summary: "scaffold a new creator API folder",
    load: async () => (await import("./commands/init.ts")).runInit,
  },
  validate: {
    summary: "validate and build every API of a stack",
    load: async () => (await import("./commands/validate.ts")).runValidate,
  },
  test: {
    summary: "run an API's own tests (tests.yaml) in workerd, without payment",
    load: async () => (await import("./commands/test.ts")).runTest,
  },
  dev: {
    summary: "run the marketplace locally (same as npm start)",
    load: async () => (await import("./commands/dev.ts")).runDev,
  },
  call: {
    summary: "call a paid API, paying with x402",
    load: async () => (await import("./commands/call.ts")).runCall,
  },
  mcp: {
    summary: "MCP server (stdio) of the marketplace's tools, paid within a budget",
    load: async () => (await import("./commands/mcp.ts")).runMcp,
  },
  ledger: {
    summary: "per-API payment totals, checked against the chain",
    load: async () => (await import("./commands/ledger.ts")).runLedger,
  },
  settle: {
    summary: "claim and settle every outstanding batch-settlement voucher now",
    load: async () => (await import("./commands/settle.ts")).runSettle,
  },
  reconcile: {
    summary: "resolve payments whose settlement outcome is unknown",
    load: async () => (await import("./commands/reconcile.ts")).runReconcile,
  },
  withdraw: {
    summary: "pay out an API's revenue split to its creator",
    load: async () => (await import("./commands/withdraw.ts")).runWithdraw,
  },
  stats: {
    summary: "your APIs' calls and earnings (signs in with your wallet)",
    load: async () => (await import("./commands/stats.ts")).runStats,
  },
  logs: {
    summary: "recent paid calls of your API, with --follow",
    load: async () => (await import("./commands/logs.ts")).runLogs,
  },
  plan: {
    summary: "offline preview of what `pulumi up` would declare",
    load: async () => (await import("./commands/plan.ts")).runPlan,
  },
  doctor: {
    summary: "check a stack and its Cloudflare account before `pulumi up`",
    load: async () => (await import("./commands/doctor.ts")).runDoctorCommand,
  },
};

const USAGE = `402claw — run your own pay-per-call API marketplace

Usage: 402claw <command> [options]   (402claw <command> --help for details)

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  .join("\n")}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    say(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    say(`402claw: unknown command '${name}'\n\n${USAGE}`);
    return 1;
  }
  return (await command.load())(rest);
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  say(`402claw: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
