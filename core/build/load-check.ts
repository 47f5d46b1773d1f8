import { Log, LogLevel, Miniflare } from "miniflare";
import { BuildError } from "../errors.ts";
import { bundleWorker, runtimePath } from "./bundle.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "./compat.ts";
import type { BuiltApi } from "./types.ts";

/** How long a creator module may take to load (its top-level code) before validate gives up on it. */
export const LOAD_TIMEOUT_MS = 15_000;

/** The probe's answer for one built worker. */
interface ProbeAnswer {
  loaded: boolean;
  fetch?: boolean;
  error?: string;
}

/**
 * Loads built creator workers in workerd (never in Node: creator code is hostile, and validate
 * runs in CI on pull requests) and reports each one that fails to load. One workerd serves a
 * whole check; it is stopped at the end, or as soon as a module hangs while loading.
 */
export class LoadChecker {
  private mf: Miniflare | undefined;

  constructor(private readonly timeoutMs = LOAD_TIMEOUT_MS) {}

  /** Throws a BuildError naming `label` (the source file) and the fix when `built` does not load. */
  async check(built: BuiltApi, label: string): Promise<void> {
    // Python is checked by warming it in a creator process (402claw test, npm start): not here.
    if (built.kind !== "function" || built.mainModule.endsWith(".py")) return;
    const url = await this.start();
    let answer: ProbeAnswer;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: JSON.stringify({
          mainModule: built.mainModule,
          modules: built.modules,
          compatibilityDate: built.compatibilityDate,
          compatibilityFlags: built.compatibilityFlags,
          vars: built.vars,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      answer = (await response.json()) as ProbeAnswer;
    } catch (error) {
      // A module that never finishes loading holds workerd's thread: stop that workerd.
      await this.stop();
      if ((error as Error).name === "TimeoutError") {
        throw new BuildError(
          label,
          `did not finish loading in workerd within ${this.timeoutMs / 1000} s`,
          "remove long-running work from the module's top level (run it per request)",
        );
      }
      throw error;
    }
    if (!answer.loaded) {
      // workerd reports "Failed to start Worker:\nUncaught Error: <message>\n  at …"; the message is what counts.
      const message = (answer.error ?? "unknown error")
        .replace(/^Failed to start Worker:\s*/, "")
        .replace(/^Uncaught (?:\w*Error: )?/, "")
        .split("\n")[0]!;
      const [problem, fix] = message.includes(". Fix: ")
        ? (message.split(". Fix: ") as [string, string])
        : [message, "fix the module so it loads: its top-level code threw"];
      throw new BuildError(label, `fails to load in workerd: ${problem}`, fix);
    }
    if (!answer.fetch) {
      throw new BuildError(label, "loads but has no fetch handler", "export default an object with fetch");
    }
  }

  /** Stops the workerd process (safe to call more than once). */
  async stop(): Promise<void> {
    const mf = this.mf;
    this.mf = undefined;
    await mf?.dispose().catch(() => {});
  }

  private async start(): Promise<URL> {
    if (!this.mf) {
      const probe = await bundleWorker(runtimePath("templates/function/load-probe.ts"), {
        label: "load probe",
      });
      this.mf = new Miniflare({
        host: "127.0.0.1",
        port: 0,
        cf: false,
        log: new Log(LogLevel.NONE),
        modules: [{ type: "ESModule", path: "probe.js", contents: probe }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
        workerLoaders: { LOADER: {} },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      });
    }
    return this.mf.unsafeGetDirectURL();
  }
}
