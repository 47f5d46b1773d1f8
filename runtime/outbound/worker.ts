// The outbound worker: Workers for Platforms routes every fetch a creator's worker makes
// through here. The dispatch worker names the creator in outbound params, which arrive on
// `env`; the local stand-in for the dispatch namespace calls `OutboundGateway.fetchFor` over
// RPC with the same params instead.

import { WorkerEntrypoint } from "cloudflare:workers";
import { handleOutbound, type OutboundEnv, type OutboundParams } from "./handle-outbound.ts";

export type { OutboundEnv, OutboundParams } from "./handle-outbound.ts";
export { handleOutbound } from "./handle-outbound.ts";

/** Read the outbound params the dispatch worker set; missing ones mean "nothing allowed". */
function paramsFromEnv(env: OutboundEnv): OutboundParams {
  return { slug: env.slug ?? "", owner: env.owner ?? "", egress: env.egress ?? "" };
}

/** RPC entrypoint for the local stack, where params come from the caller instead of `env`. */
export class OutboundGateway extends WorkerEntrypoint<OutboundEnv> {
  /** Handle one outgoing request on behalf of the creator named by `params`. */
  fetchFor(request: Request, params: OutboundParams): Promise<Response> {
    return handleOutbound(request, params, this.env);
  }
}

export default {
  async fetch(request, env) {
    return handleOutbound(request, paramsFromEnv(env), env);
  },
} satisfies ExportedHandler<OutboundEnv>;
