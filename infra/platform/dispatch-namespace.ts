import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

export interface DispatchNamespaceArgs {
  accountId: string;
  prefix: string;
}

/** The Workers for Platforms namespace holding every creator worker. */
export class DispatchNamespace extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: DispatchNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:DispatchNamespace", name, {}, opts);
    const namespace = new cloudflare.WorkersForPlatformsDispatchNamespace(
      `${name}-namespace`,
      { accountId: args.accountId, name: `${args.prefix}-apis` },
      { parent: this },
    );
    this.namespaceName = namespace.namespaceName;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
