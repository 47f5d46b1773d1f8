import type { ScriptBinding } from "../cloudflare/namespace-scripts.ts";
import type { DurableObjectMigration } from "./migrations.ts";

/** Inputs of the gateway (dispatch) worker script: code, compatibility, bindings, DO migrations. */
export interface GatewayScriptInputs {
  accountId: string;
  scriptName: string;
  mainModule: string;
  /** The bundled ES module. */
  content: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Bindings in the upload's shape (snake_case, typed by the SDK); secret_text values included. */
  bindings: ScriptBinding[];
  /** Every migration, oldest first; the provider sends only the ones the live script lacks. */
  migrations: DurableObjectMigration[];
}

/** State: inputs plus the Durable Object migration tag the live script has. */
export interface GatewayScriptOutputs extends GatewayScriptInputs {
  migrationTag: string | null;
}
