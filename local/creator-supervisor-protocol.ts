import type { DispatchOptions, LocalScript } from "../runtime/local-namespace/protocol.ts";
import type { CreatorData, CreatorSupervisorOptions } from "./creator-supervisor.ts";

/** What the parent asks the supervisor's process (creator-supervisor-process.ts ↔ -main.ts). */
export type SupervisorRequest = { id: number } & (
  | { op: "start"; options: CreatorSupervisorOptions }
  | {
      op: "deploy";
      workerName: string;
      script: LocalScript;
      data: CreatorData | undefined;
      options: DispatchOptions | undefined;
    }
  | { op: "remove" | "restarts" | "nextCall"; workerName: string }
  | { op: "stop" }
);

/** The answer to one request, by its id. */
export type SupervisorReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });
