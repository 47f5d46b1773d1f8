import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

export interface GatewayDomainArgs {
  accountId: string;
  zoneId: string;
  hostname: string;
  mode: "customDomain" | "route";
  scriptName: pulumi.Input<string>;
}

/** Puts the dispatch worker on the gateway hostname: a Custom Domain (DNS + cert managed) or a route. */
export class GatewayDomain extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: GatewayDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:GatewayDomain", name, {}, opts);
    if (args.mode === "customDomain") {
      new cloudflare.WorkersCustomDomain(
        `${name}-domain`,
        { accountId: args.accountId, zoneId: args.zoneId, hostname: args.hostname, service: args.scriptName },
        { parent: this },
      );
    } else {
      // A route needs a proxied DNS record for the host to exist already.
      new cloudflare.WorkersRoute(
        `${name}-route`,
        { zoneId: args.zoneId, pattern: `${args.hostname}/*`, script: args.scriptName },
        { parent: this },
      );
    }
    this.url = pulumi.output(`https://${args.hostname}`);
    this.registerOutputs({ url: this.url });
  }
}
