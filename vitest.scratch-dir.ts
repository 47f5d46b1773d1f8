import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: every temporary file of a run (tests' scratch projects, Miniflare's and
 * workerd's folders, creator state of a supervisor a test killed) goes under one folder that is
 * removed when the run ends, so repeated runs never fill the machine's temp folder. Workers and
 * the processes they start inherit TMPDIR, and `os.tmpdir()` reads it on each call.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "402claw-test-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
