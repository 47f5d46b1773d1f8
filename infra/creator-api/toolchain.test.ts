import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApi } from "../../core/build/build-api.ts";
import { type LoadedApi, loadApiFolder } from "../../core/manifest/load.ts";
import { buildApiFolder, validateApiFolder } from "./toolchain.ts";

const ROOT = join(import.meta.dirname, "../..");

describe("the provider's toolchain", () => {
  it("builds exactly what the program planned (same content hash)", async () => {
    const planned = await buildApi(
      loadApiFolder(ROOT, join(ROOT, "stacks/dev/apis/world-cities")) as LoadedApi,
    );
    const built = await buildApiFolder(ROOT, "stacks/dev/apis/world-cities");
    expect(built.contentHash).toBe(planned.contentHash);
    expect(built.data?.key).toMatch(/^datasets\/world-cities\//);
  });

  it("reports manifest problems in the words of 402claw validate", async () => {
    const root = mkdtempSync(join(tmpdir(), "claw-toolchain-"));
    cpSync(join(ROOT, "stacks/dev/apis/fx-convert"), join(root, "stacks/dev/apis/fx-convert"), {
      recursive: true,
    });
    const manifest = join(root, "stacks/dev/apis/fx-convert/api.yaml");
    writeFileSync(manifest, "slug: fx-convert\ntitle: x\n");
    const problems = await validateApiFolder(root, "stacks/dev/apis/fx-convert");
    const expected = (loadApiFolder(root, join(root, "stacks/dev/apis/fx-convert")) as Error[]).map(
      (e) => e.message,
    );
    expect(problems.map((p) => p.message)).toEqual(expected);
    expect(problems.map((p) => p.field)).toContain("owner");
    await expect(buildApiFolder(root, "stacks/dev/apis/fx-convert")).rejects.toThrow(
      /api.yaml: owner: is required/,
    );
  });
});
