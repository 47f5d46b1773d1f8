import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in local/). */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Everything the local stack writes lives here (gitignored). */
export function localDir(root = REPO_ROOT): string {
  return join(root, ".local");
}

/** The project whose stacks/ are served: CLAW_ROOT, or this repository. */
export function projectRoot(): string {
  return process.env.CLAW_ROOT ?? REPO_ROOT;
}
