/**
 * A build-time probe (used by `402claw validate` and `402claw test`, never deployed): loads a
 * built creator worker with the Worker Loader, as the namespace would, without calling it. A
 * module that throws while loading (e.g. it exports none of the supported forms) is reported
 * with its message. The loaded worker has no network: its top-level code runs, nothing leaves.
 */
interface ProbeEnv {
  LOADER: WorkerLoader;
}

/** What the probe is asked to load (the built worker's upload, in short). */
export interface ProbeRequest {
  mainModule: string;
  modules: Array<{ name: string; content: string }>;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
}

const PROBE_MODULE = "__402claw_load_probe.js";
let loads = 0;

export default {
  async fetch(request: Request, env: ProbeEnv): Promise<Response> {
    const script = (await request.json()) as ProbeRequest;
    const worker = env.LOADER.get(`probe-${++loads}`, () => ({
      compatibilityDate: script.compatibilityDate,
      compatibilityFlags: script.compatibilityFlags,
      mainModule: PROBE_MODULE,
      modules: {
        ...Object.fromEntries(script.modules.map((module) => [module.name, module.content])),
        // Importing the main module evaluates it (and the creator's module) exactly as a deploy would.
        [PROBE_MODULE]: `import * as main from ${JSON.stringify(`./${script.mainModule}`)};
export default { fetch() { return Response.json({ fetch: typeof main.default?.fetch === "function" }); } };`,
      },
      env: script.vars,
      globalOutbound: null,
    }));
    try {
      const answer = await worker.getEntrypoint().fetch("http://probe/");
      return Response.json({ loaded: true, ...((await answer.json()) as object) });
    } catch (error) {
      return Response.json({ loaded: false, error: error instanceof Error ? error.message : String(error) });
    }
  },
};
