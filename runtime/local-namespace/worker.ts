/**
 * Local stand-in for a Workers for Platforms dispatch namespace (the real binding runs only on
 * Cloudflare). Creator workers are loaded with the Worker Loader binding; their outgoing fetch
 * goes through the outbound worker with the dispatch params, as in production. Platform bindings
 * cannot be handed to a loaded worker, so R2 reaches it through an RPC entrypoint of this worker.
 *
 * Each creator API gets its own workerd process running this worker, supervised from Node
 * (local/creator-supervisor.ts): the local Worker Loader does not enforce `limits.cpuMs`, and a
 * creator that never yields blocks its process's only thread. This worker's HTTP face:
 * - a request carrying SCRIPT_HEADER is dispatched to that creator worker;
 * - `GET HEARTBEAT_PATH` answers at once (the supervisor's proof that the thread is free);
 * - `PUT/DELETE /scripts/<name>` upload or remove a worker, like the Cloudflare API's namespace scripts.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { MAX_CREATOR_BODY_BYTES } from "../../core/creator-limits.ts";
import type { OutboundGateway } from "../outbound/worker.ts";
import { errorResponse } from "../shared/http-error.ts";
import { readCapped } from "../shared/read-capped.ts";
import {
  type CreatorFault,
  type DispatchOptions,
  FAULT_HEADER,
  HEARTBEAT_PATH,
  type LocalScript,
  OPTIONS_HEADER,
  SCRIPT_HEADER,
  WARM_SUFFIX,
} from "./protocol.ts";
import {
  PYTHON_FILES_BINDING,
  type PythonAssets,
  type PythonVersion,
  pythonOptionsKey,
  pythonVersionOf,
  pythonWorkerCode,
} from "./python-worker.ts";

interface NamespaceEnv extends Partial<PythonAssets> {
  LOADER: WorkerLoader;
  SCRIPTS: KVNamespace;
  DATA: R2Bucket;
  OUTBOUND: Service<OutboundGateway>;
}

interface OutboundProps {
  params: Record<string, string>;
}

/** A script as this process holds it, with the Worker Loader id of its isolate. */
interface HeldScript extends LocalScript {
  /** The script's name in the namespace. */
  name: string;
  /**
   * Name, content hash and a digest of the secrets: a changed secret needs a fresh isolate. A
   * Python script's has no content hash: its running interpreter takes each new version.
   */
  loaderKey: string;
}

const scripts = new Map<string, HeldScript>();

/** The R2 face a data worker uses (`get(key)` → body with .json()/.text()/.arrayBuffer()). */
export class DataBucket extends WorkerEntrypoint<NamespaceEnv> {
  async get(key: string): Promise<Response | null> {
    const object = await this.env.DATA.get(key);
    return object ? new Response(object.body) : null;
  }
}

/** A Python host's files binding: one version of its own script's files (python-worker.ts). */
export class PythonFiles extends WorkerEntrypoint<NamespaceEnv, { name: string }> {
  async files(version: string): Promise<PythonVersion | null> {
    const script = await findScript(this.env, this.ctx.props.name);
    return script ? pythonVersionOf(script, version, this.env) : null;
  }
}

/** globalOutbound of every loaded creator worker: the outbound worker, with this creator's params. */
export class Outbound extends WorkerEntrypoint<NamespaceEnv, OutboundProps> {
  override async fetch(request: Request): Promise<Response> {
    return this.env.OUTBOUND.fetchFor(request, this.ctx.props.params as never) as Promise<Response>;
  }
}

export default {
  async fetch(request: Request, env: NamespaceEnv, ctx: ExecutionContext): Promise<Response> {
    const scriptName = request.headers.get(SCRIPT_HEADER);
    if (scriptName !== null) return dispatch(env, ctx, scriptName, request);
    const url = new URL(request.url);
    if (url.pathname === HEARTBEAT_PATH) return new Response("ok");
    return manageScripts(env, ctx, url, request);
  },
};

/** `get(name, args, options).fetch(request)` of a dispatch namespace. */
async function dispatch(
  env: NamespaceEnv,
  ctx: ExecutionContext,
  scriptName: string,
  incoming: Request,
): Promise<Response> {
  const options = JSON.parse(incoming.headers.get(OPTIONS_HEADER) ?? "{}") as DispatchOptions;
  const headers = new Headers(incoming.headers);
  headers.delete(SCRIPT_HEADER);
  headers.delete(OPTIONS_HEADER);
  const request = new Request(incoming, { headers });
  const script = await findScript(env, scriptName);
  if (!script) return fault("not_found", `Worker not found: ${scriptName}`);
  const worker = loadWorker(env, ctx, script, options);
  try {
    const response = await worker.getEntrypoint(undefined, entrypointOptions(script)).fetch(request);
    // The body is read here, not streamed on: workerd ends an HTTP body cleanly even when the
    // creator's stream failed midway, and the gateway must learn of that failure. Beyond the
    // gateway's cap the first bytes suffice for it to refuse the answer.
    const body = response.body ? (await readCapped(response.body, MAX_CREATOR_BODY_BYTES)).bytes : null;
    const answer = new Response(body, response);
    // A creator cannot pose as the platform's verdict about itself.
    answer.headers.delete(FAULT_HEADER);
    return answer;
  } catch (error) {
    // The thrown error stays here (its text is the creator's); the gateway only learns that it failed.
    console.error(`creator worker ${scriptName} failed`, error);
    return fault("crashed", `creator worker ${scriptName} failed`);
  }
}

/** A Python host learns from each call which version of the code it is for. */
function entrypointOptions(script: HeldScript) {
  return script.python ? { props: { version: script.contentHash } } : undefined;
}

/** A digest of a script's secret values (never leaves this process): names the isolate. */
async function secretsDigest(script: LocalScript): Promise<string> {
  if (!script.secrets || Object.keys(script.secrets).length === 0) return "-";
  return digest(Object.entries(script.secrets).sort());
}

async function digest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 12), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The creator worker from the Worker Loader (one isolate per name, content and secrets). */
function loadWorker(env: NamespaceEnv, ctx: ExecutionContext, script: HeldScript, options: DispatchOptions) {
  const exports = (ctx as unknown as { exports: Record<string, (options: { props: object }) => Fetcher> })
    .exports;
  const key = script.python ? `${script.loaderKey}@${pythonOptionsKey(options)}` : script.loaderKey;
  return env.LOADER.get(key, () => ({
    compatibilityDate: script.compatibilityDate,
    compatibilityFlags: script.compatibilityFlags,
    mainModule: script.mainModule,
    modules: Object.fromEntries(script.modules.map((module) => [module.name, module.content])),
    ...(script.python ? pythonWorkerCode(env) : {}),
    env: {
      ...script.vars,
      ...script.secrets,
      ...(script.dataBinding ? { DATA: exports.DataBucket!({ props: {} }) } : {}),
      ...(script.python
        ? { [PYTHON_FILES_BINDING]: exports.PythonFiles!({ props: { name: script.name } }) }
        : {}),
    },
    globalOutbound: exports.Outbound!({ props: { params: options.outbound ?? {} } }),
    // Passed as production does; this workerd does not enforce it (the supervisor does instead).
    ...(options.limits ? { limits: options.limits } : {}),
  }));
}

function fault(kind: CreatorFault, message: string): Response {
  return errorResponse(502, `creator_${kind}`, message, {}, { [FAULT_HEADER]: kind });
}

async function manageScripts(
  env: NamespaceEnv,
  ctx: ExecutionContext,
  url: URL,
  request: Request,
): Promise<Response> {
  const match = /^\/scripts\/([a-z0-9-]+)(\/warm)?$/.exec(url.pathname);
  if (!match) return new Response("not found", { status: 404 });
  const name = match[1]!;
  if (match[2] === WARM_SUFFIX) return warm(env, ctx, name, request);
  if (request.method === "PUT") {
    const script = (await request.json()) as LocalScript;
    // Stored without its secrets (they live in this process's memory only); the supervisor
    // uploads the script again after restarting the process.
    await env.SCRIPTS.put(name, JSON.stringify({ ...script, secrets: undefined }));
    scripts.set(name, await held(name, script));
    return Response.json({ ok: true, name, contentHash: script.contentHash });
  }
  if (request.method === "DELETE") {
    await env.SCRIPTS.delete(name);
    scripts.delete(name);
    return Response.json({ ok: true, name });
  }
  return new Response("method not allowed", { status: 405 });
}

/**
 * Warms a Python worker as it is published: starts CPython in the isolate calls will use (the
 * same loader id) and imports the creator's module, so no caller waits for the start. 422 with
 * the reason when the module cannot serve. Other workers have nothing to warm.
 */
async function warm(
  env: NamespaceEnv,
  ctx: ExecutionContext,
  name: string,
  request: Request,
): Promise<Response> {
  const script = await findScript(env, name);
  if (!script) return new Response("not found", { status: 404 });
  if (!script.python) return Response.json({ warmed: false });
  const options = (await request.json().catch(() => ({}))) as DispatchOptions;
  try {
    const answer = await loadWorker(env, ctx, script, options)
      .getEntrypoint("Warm", entrypointOptions(script))
      .fetch("http://warm/");
    return new Response(answer.body, answer);
  } catch (error) {
    return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 422 });
  }
}

async function findScript(env: NamespaceEnv, name: string): Promise<HeldScript | undefined> {
  const cached = scripts.get(name);
  if (cached) return cached;
  const stored = await env.SCRIPTS.get<LocalScript>(name, "json");
  if (!stored) return undefined;
  const script = await held(name, stored);
  scripts.set(name, script);
  return script;
}

async function held(name: string, script: LocalScript): Promise<HeldScript> {
  if (script.python) {
    // Everything the isolate is made from, except the code (python-worker.ts).
    const made = [script.vars, script.compatibilityDate, await secretsDigest(script)];
    return { ...script, name, loaderKey: `${name}@python@${await digest(made)}` };
  }
  return { ...script, name, loaderKey: `${name}@${script.contentHash}@${await secretsDigest(script)}` };
}
