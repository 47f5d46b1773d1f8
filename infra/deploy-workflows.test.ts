import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "./testing/program-fixture.ts";

// The deploy workflows are configuration, but two of their properties are promises of issue 13:
// a creator API that fails to build must not stop the others, and prod credentials never serve a
// dev job (nor dev credentials a prod preview).
interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Job {
  environment?: string;
  steps: Step[];
}
const workflow = (name: string) =>
  parse(readFileSync(join(REPO_ROOT, ".github/workflows", name), "utf8")) as { jobs: Record<string, Job> };
const runs = (job: Job) => job.steps.map((step) => step.run ?? "").join("\n");

describe("deploy workflows", () => {
  it("pulumi up continues past a failed creator API (and still fails the job), after doctor", () => {
    for (const [file, job, stack] of [
      ["deploy-dev.yml", "up", "dev"],
      ["deploy-prod.yml", "up", "prod"],
    ] as const) {
      const text = runs(workflow(file).jobs[job]!);
      expect(text, file).toContain(`pulumi up --yes --stack ${stack} --continue-on-error`);
    }
    expect(runs(workflow("deploy-dev.yml").jobs.up!)).toMatch(/402claw doctor --stack dev[\s\S]*pulumi up/);
    expect(runs(workflow("deploy-prod.yml").jobs.preview!)).toContain("402claw doctor --stack prod");
  });

  it("prod previews (release and pull request) run in a prod-scoped environment", () => {
    expect(workflow("deploy-prod.yml").jobs.preview!.environment).toBe("production-preview");
    expect(workflow("deploy-prod.yml").jobs.up!.environment).toBe("production");
    // a GitHub expression, not a JavaScript template
    const environment = workflow("pull-request.yml").jobs.preview!.environment!;
    expect(environment.replace(/\s+/g, " ")).toBe(
      ["$", "{{ matrix.stack == 'prod' && 'production-preview' || matrix.stack }}"].join(""),
    );
  });
});
