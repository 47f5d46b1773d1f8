// Helpers for the serialisation tests: serialise the production providers in a child process
// (under tsx, like `pulumi up`), reload them in another (plain node, like Pulumi's provider
// host) and answer their Cloudflare calls from a local HTTP server.

import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CannedResponse, RecordedRequest } from "./recording-fetch.ts";

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, "../..");

/** Serialises both production providers; returns the path of the JSON holding their texts. */
export async function serialiseProviders(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "claw-serialised-")), "providers.json");
  await run(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "infra/testing/serialise-providers.ts"), file],
    { cwd: REPO_ROOT },
  );
  return file;
}

/** Runs provider calls in a fresh plain-node process from the serialised text. */
export async function runInProviderHost(
  serialised: string,
  key: "creatorApi" | "d1Migrations" | "gatewayScript",
  calls: Array<{ method: string; args: unknown[] }>,
  env: Record<string, string>,
  cwd = tmpdir(),
): Promise<Array<{ ok?: unknown; error?: string; id?: string | null }>> {
  const callsFile = join(mkdtempSync(join(tmpdir(), "claw-calls-")), "calls.json");
  writeFileSync(callsFile, JSON.stringify(calls));
  // By default cwd outside the repo: the reloaded provider must not depend on the working directory.
  const { stdout } = await run(
    process.execPath,
    [join(REPO_ROOT, "infra/testing/provider-host.mjs"), serialised, key, callsFile],
    {
      cwd,
      env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", ...env },
    },
  );
  return JSON.parse(stdout);
}

/** A local HTTP stand-in for api.cloudflare.com that records requests. */
export async function fakeCloudflareServer(answer: (request: RecordedRequest) => CannedResponse | undefined) {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const path = (req.url ?? "").replace(/^\/client\/v4/, "");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "",
      path,
      headers,
      text,
    };
    if (headers["content-type"] === "application/json") recorded.json = JSON.parse(text);
    requests.push(recorded);
    const canned = answer(recorded) ?? {};
    const status = canned.status ?? 200;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(
      canned.raw ??
        JSON.stringify({
          success: status < 400,
          errors: canned.errors ?? [],
          messages: [],
          result: canned.result ?? null,
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}/client/v4`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
