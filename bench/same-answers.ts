import { Agent } from "node:http";
import { httpGet } from "./http-get.ts";

/**
 * Checks two targets do the same work: every path must get byte-identical 200 answers from
 * both (here: the creator behind the namespace hop and the creator alone). Returns how many differed.
 */
export async function countDifferentAnswers(a: string, b: string, paths: readonly string[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let different = 0;
  try {
    for (const path of paths) {
      const left = await httpGet(agent, new URL(a), path);
      const right = await httpGet(agent, new URL(b), path);
      if (left.status !== 200 || right.status !== 200 || left.body !== right.body) {
        different++;
        process.stderr.write(`  answers differ for ${path}: ${left.status} vs ${right.status}\n`);
      }
    }
  } finally {
    agent.destroy();
  }
  return different;
}
