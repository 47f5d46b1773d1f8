import type { BuiltApi } from "../../core/build/types.ts";

/** Inputs of one CreatorApi resource: where it deploys and what the program built and planned. */
export interface CreatorApiInputs {
  accountId: string;
  namespace: string;
  databaseId: string;
  bucketName: string;
  kvNamespaceId: string;
  slug: string;
  /** The API folder relative to the repository root, e.g. stacks/dev/apis/weather. */
  apiDir: string;
  kind: string;
  owner: string;
  price: string;
  priceAtomic: string;
  /** The API's predicted split address: where callers pay. */
  payTo: string;
  /** The split behind payTo (recorded so a fee or wallet change shows as an update in a preview). */
  splitter: string;
  platformWallet: string;
  platformFeeBps: number;
  creatorShareBps: number;
  /** Content hash of the build the program planned; the deploy refuses a different build. */
  contentHash: string;
  /** The secret names the manifest declares. */
  secretNames?: string[];
  /** Their values, from `402claw:apiSecrets.<slug>` (secret in the state); bound as secret_text. */
  secrets?: Record<string, string>;
}

/**
 * contentHash of an API whose build failed when the program ran: the resource stays declared (its
 * live version is kept) and its create or update fails with the build's own error.
 */
export const UNBUILT = "unbuilt";

/** How far a deploy got; anything but "complete" is repaired by the next `pulumi up`. */
export type DeployStage =
  | "none"
  | "data uploaded"
  | "script uploaded"
  | "registered"
  | "complete"
  | "drifted";

/** State of a CreatorApi: its inputs plus what is actually live. */
export interface CreatorApiOutputs extends CreatorApiInputs {
  /** Hash of the build that is fully live; null after a partial deploy or detected drift. */
  deployedHash: string | null;
  stage: DeployStage;
  dataKey: string | null;
  deployedAt: number;
}

/** A manifest problem, in the words `402claw validate` prints. */
export interface FolderProblem {
  field: string;
  message: string;
}

/** Repository-side work the provider delegates: loaded at call time, never serialised. */
export interface CreatorToolchain {
  validateApiFolder(repoRoot: string, apiDir: string): Promise<FolderProblem[]>;
  buildApiFolder(repoRoot: string, apiDir: string): Promise<BuiltApi>;
}
