/** Where the CLI writes: results to stdout, messages and receipts to stderr (so stdout pipes cleanly). */
export const out = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};
export const say = (line = ""): void => {
  process.stderr.write(`${line}\n`);
};
