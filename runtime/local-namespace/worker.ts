/**
 * Local stand-in for a Workers for Platforms dispatch namespace (the real binding runs only on
 * Cloudflare). Creator workers are loaded with the Worker Loader binding; their outgoing fetch
 * goes through the outbound worker with the dispatch params, as in production. Platform bindings
 * cannot be handed to a loaded worker, so R2 reaches it through an RPC entrypoint of this worker.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { OutboundGateway } from "../outbound/worker.ts";
import type { DispatchOptions, LocalNamespaceRpc, LocalScript } from "./rpc.ts";

interface NamespaceEnv {
  LOADER: WorkerLoader;
  SCRIPTS: KVNamespace;
  DATA: R2Bucket;
  OUTBOUND: Service<OutboundGateway>;
}

interface OutboundProps {
  params: Record<string, string>;
}

const scripts = new Map<string, LocalScript>();

/** The R2 face a data worker uses (`get(key)` → body with .json()/.text()/.arrayBuffer()). */
export class DataBucket extends WorkerEntrypoint<NamespaceEnv> {
  async get(key: string): Promise<Response | null> {
    const object = await this.env.DATA.get(key);
    return object ? new Response(object.body) : null;
  }
}

/** globalOutbound of every loaded creator worker: the outbound worker, with this creator's params. */
export class Outbound extends WorkerEntrypoint<NamespaceEnv, OutboundProps> {
  override async fetch(request: Request): Promise<Response> {
    return this.env.OUTBOUND.fetchFor(request, this.ctx.props.params as never) as Promise<Response>;
  }
}

/** `get(name, args, options).fetch(request)` of a dispatch namespace, as RPC. */
export class LocalNamespace extends WorkerEntrypoint<NamespaceEnv> implements LocalNamespaceRpc {
  async dispatch(scriptName: string, request: Request, options: DispatchOptions): Promise<Response> {
    const script = await findScript(this.env, scriptName);
    if (!script) throw new Error(`Worker not found: ${scriptName}`);
    const exports = this.ctx.exports as unknown as {
      DataBucket(options: { props: object }): Fetcher;
      Outbound(options: { props: OutboundProps }): Fetcher;
    };
    const worker = this.env.LOADER.get(`${scriptName}@${script.contentHash}`, () => ({
      compatibilityDate: script.compatibilityDate,
      compatibilityFlags: script.compatibilityFlags,
      mainModule: script.mainModule,
      modules: Object.fromEntries(script.modules.map((module) => [module.name, module.content])),
      env: { ...script.vars, ...(script.dataBinding ? { DATA: exports.DataBucket({ props: {} }) } : {}) },
      globalOutbound: exports.Outbound({ props: { params: options.outbound ?? {} } }),
    }));
    return worker.getEntrypoint().fetch(request);
  }
}

/** Upload face for the local stack: PUT/DELETE /scripts/<name>, like the Cloudflare API's namespace scripts. */
export default {
  async fetch(request: Request, env: NamespaceEnv): Promise<Response> {
    const match = /^\/scripts\/([a-z0-9-]+)$/.exec(new URL(request.url).pathname);
    if (!match) return new Response("not found", { status: 404 });
    const name = match[1]!;
    if (request.method === "PUT") {
      const script = (await request.json()) as LocalScript;
      await env.SCRIPTS.put(name, JSON.stringify(script));
      scripts.set(name, script);
      return Response.json({ ok: true, name, contentHash: script.contentHash });
    }
    if (request.method === "DELETE") {
      await env.SCRIPTS.delete(name);
      scripts.delete(name);
      return Response.json({ ok: true, name });
    }
    return new Response("method not allowed", { status: 405 });
  },
};

async function findScript(env: NamespaceEnv, name: string): Promise<LocalScript | undefined> {
  const cached = scripts.get(name);
  if (cached) return cached;
  const stored = await env.SCRIPTS.get<LocalScript>(name, "json");
  if (stored) scripts.set(name, stored);
  return stored ?? undefined;
}
