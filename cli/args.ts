import { type ParseArgsConfig, parseArgs } from "node:util";

/** Parses a command's options; unknown flags are an error that names them. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  allowPositionals = true,
) {
  return parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    allowPositionals,
    strict: true,
  });
}
