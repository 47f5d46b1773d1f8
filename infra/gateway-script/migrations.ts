import type Cloudflare from "cloudflare";
import { PAYER_LEDGER_CLASS } from "../../core/bindings.ts";

/** One Durable Object migration of the gateway script, as wrangler's `[[migrations]]` entries. */
export interface DurableObjectMigration {
  tag: string;
  newSqliteClasses?: string[];
  renamedClasses?: Array<{ from: string; to: string }>;
  deletedClasses?: string[];
}

/**
 * Every migration of the gateway's Durable Object classes, oldest first. Append to change a class
 * (never edit or reorder an entry: Cloudflare records the last tag applied to the live script).
 */
export const GATEWAY_MIGRATIONS: readonly DurableObjectMigration[] = [
  // The payer ledger: a SQLite-backed Durable Object per payer.
  { tag: "v1", newSqliteClasses: [PAYER_LEDGER_CLASS] },
];

/** The `migrations` field of an upload's metadata (old_tag / new_tag / steps), as the SDK types it. */
export type MigrationsMetadata =
  Cloudflare.Workers.Scripts.ScriptUpdateParams.Metadata.WorkersMultipleStepMigrations;

/**
 * What an upload must carry when the live script is at `currentTag` (null: no script or no tag
 * yet): the steps after it, with `old_tag` set so Cloudflare checks the precondition; undefined
 * when nothing is due. Sending an applied migration again fails the upload ("Migration tag
 * precondition failed", code 10079), so an ordinary code update carries none.
 */
export function dueMigrations(
  migrations: readonly DurableObjectMigration[],
  currentTag: string | null,
): MigrationsMetadata | undefined {
  const applied = currentTag === null ? 0 : migrations.findIndex((m) => m.tag === currentTag) + 1;
  if (currentTag !== null && applied === 0) {
    throw new Error(
      `the live gateway script is at Durable Object migration tag "${currentTag}", which is not in infra/gateway-script/migrations.ts (${migrations.map((m) => m.tag).join(", ")}). Fix: restore the missing entries (tags are never removed), or run \`pulumi refresh\` if the state is stale`,
    );
  }
  const due = migrations.slice(applied);
  if (!due.length) return undefined;
  return {
    ...(currentTag !== null ? { old_tag: currentTag } : {}),
    new_tag: due.at(-1)!.tag,
    steps: due.map((m) => ({
      ...(m.newSqliteClasses ? { new_sqlite_classes: m.newSqliteClasses } : {}),
      ...(m.renamedClasses ? { renamed_classes: m.renamedClasses } : {}),
      ...(m.deletedClasses ? { deleted_classes: m.deletedClasses } : {}),
    })),
  };
}
