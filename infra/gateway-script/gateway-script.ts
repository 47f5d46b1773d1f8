import * as pulumi from "@pulumi/pulumi";
import type { ScriptBinding } from "../cloudflare/namespace-scripts.ts";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import type { DurableObjectMigration } from "./migrations.ts";
import { gatewayScriptProvider } from "./provider.ts";

/** Arguments of the gateway script (see GatewayScriptInputs). */
export interface GatewayScriptArgs {
  accountId: pulumi.Input<string>;
  scriptName: pulumi.Input<string>;
  mainModule: string;
  content: pulumi.Input<string>;
  compatibilityDate: string;
  compatibilityFlags: string[];
  bindings: pulumi.Input<pulumi.Input<ScriptBinding>[]>;
  migrations: readonly DurableObjectMigration[];
}

let provider: pulumi.dynamic.ResourceProvider | undefined;

/** The provider of the gateway script (one instance, serialised once). */
export function sharedGatewayScriptProvider(): pulumi.dynamic.ResourceProvider {
  provider ??= gatewayScriptProvider({ sdkUrl: cloudflareSdkUrl() });
  return provider;
}

/** The dispatch (gateway) worker script, uploaded with its DO migrations sent only when due. */
export class GatewayScript extends pulumi.dynamic.Resource {
  declare readonly scriptName: pulumi.Output<string>;
  declare readonly migrationTag: pulumi.Output<string | null>;

  constructor(name: string, args: GatewayScriptArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sharedGatewayScriptProvider(),
      name,
      { ...args, migrations: [...args.migrations], migrationTag: undefined },
      // Secret bindings (admin token, auth secret) stay encrypted in the state.
      { ...opts, additionalSecretOutputs: ["bindings"] },
      "402claw",
      "GatewayScript",
    );
  }
}
