/**
 * The creator supervisor's own process (see creator-supervisor-process.ts): it starts the
 * supervisor with the options its parent sends, then runs the parent's requests. It lives only as
 * long as its parent: when the IPC channel closes (the parent stopped, crashed or was killed), it
 * stops every creator process and exits, so no workerd is left behind.
 */
import { type CreatorSupervisor, startCreatorSupervisor } from "./creator-supervisor.ts";
import type { SupervisorReply, SupervisorRequest } from "./creator-supervisor-protocol.ts";

let supervisor: CreatorSupervisor | undefined;
let stopping: Promise<void> | undefined;

const send = (reply: SupervisorReply) => process.send?.(reply);

function stopAndExit(): Promise<void> {
  stopping ??= (supervisor?.stop() ?? Promise.resolve())
    .catch((error) => console.error("402claw: stopping the creator processes failed", error))
    .finally(() => process.exit(0));
  return stopping;
}

async function run(request: SupervisorRequest): Promise<unknown> {
  if (request.op === "start") {
    supervisor = await startCreatorSupervisor(request.options);
    return supervisor.address;
  }
  if (!supervisor) throw new Error("the creator supervisor has not started");
  switch (request.op) {
    case "deploy":
      return supervisor.deploy(request.workerName, request.script, request.data, request.options);
    case "remove":
      return supervisor.remove(request.workerName);
    case "restarts":
      return supervisor.restarts(request.workerName);
    case "nextCall":
      return supervisor.nextCall(request.workerName);
  }
}

process.on("message", (request: SupervisorRequest) => {
  if (request.op === "stop") {
    void stopAndExit();
    return;
  }
  run(request).then(
    (value) => send({ id: request.id, ok: true, value }),
    (error: unknown) =>
      send({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => void stopAndExit());
// Ctrl-C reaches the whole process group: the parent decides when this process stops.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => void stopAndExit());
