#!/usr/bin/env node
// Some registry mirrors serve only this machine's platform binaries (e.g. @biomejs/cli-darwin-arm64
// answers 404), so `npm install` leaves those optional packages out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. With full registry access npm records them as
// optional, platform-gated entries; this adds exactly those entries (name, version, os/cpu) so the
// lock is what a full registry would give. `npm ci` skips them on other platforms.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const PLATFORM = /(android|darwin|linux|win32|freebsd)-(arm64|x64|amd64|arm|ia32)(-musl)?$/;
const added = [];

for (const [key, meta] of Object.entries(packages)) {
  for (const [dependency, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (packages[`node_modules/${dependency}`] || packages[`${key}/node_modules/${dependency}`]) continue;
    const match = PLATFORM.exec(dependency.split("/").pop());
    if (!match || !/^\d+\.\d+\.\d+/.test(version)) continue;
    const cpu = match[2] === "amd64" ? "x64" : match[2];
    packages[`node_modules/${dependency}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      os: [match[1]],
      cpu: [cpu],
      ...(match[3] ? { libc: ["musl"] } : {}),
    };
    added.push(`${dependency}@${version}`);
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length ? `added ${added.join(", ")}` : "package-lock.json already lists every platform package",
);
