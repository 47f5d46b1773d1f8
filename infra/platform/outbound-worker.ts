import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { BINDINGS } from "../../core/bindings.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../../core/build/compat.ts";
import type { PlatformConfig } from "../config.ts";

export interface OutboundWorkerArgs {
  accountId: string;
  scriptName: string;
  /** The bundled runtime/outbound/worker.ts (one ES module). */
  content: pulumi.Input<string>;
  egressRateLimit: PlatformConfig["egressRateLimit"];
}

/** Egress policy for creator code: every fetch a creator worker makes goes through it. */
export class OutboundWorker extends pulumi.ComponentResource {
  readonly scriptName: pulumi.Output<string>;

  constructor(name: string, args: OutboundWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("402claw:platform:OutboundWorker", name, {}, opts);
    const script = new cloudflare.WorkersScript(
      `${name}-script`,
      {
        accountId: args.accountId,
        scriptName: args.scriptName,
        content: args.content,
        mainModule: "worker.js",
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        bindings: [
          {
            // Workers Rate Limiting binding: per-creator egress budget (the worker keys it by owner).
            type: "ratelimit",
            name: BINDINGS.egressLimiter,
            namespaceId: args.egressRateLimit.namespaceId,
            simple: { limit: args.egressRateLimit.limit, period: args.egressRateLimit.periodSeconds },
          },
        ],
      },
      { parent: this },
    );
    this.scriptName = script.scriptName;
    this.registerOutputs({ scriptName: this.scriptName });
  }
}
