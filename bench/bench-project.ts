import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BENCH_STACK = "bench";
export const BENCH_SLUG = "big-table";

export interface BenchProject {
  root: string;
  remove(): void;
}

// Owner must be EIP-55 checksummed; this is anvil's account #3 (a well-known test key, no funds at stake).
const MANIFEST = `slug: ${BENCH_SLUG}
title: Big Table
description: A generated 100k-row product table for the local benchmark.
owner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
price: "$0.001"
kind: data
source: data.csv
`;

/** A throw-away project root with one data API, so the stack builds only what is measured. */
export function makeBenchProject(csv: string): BenchProject {
  const root = mkdtempSync(join(tmpdir(), "402claw-bench-"));
  const apiDir = join(root, "stacks", BENCH_STACK, "apis", BENCH_SLUG);
  mkdirSync(apiDir, { recursive: true });
  writeFileSync(join(apiDir, "api.yaml"), MANIFEST);
  writeFileSync(join(apiDir, "data.csv"), csv);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
