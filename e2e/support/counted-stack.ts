import type { LocalStack, LocalStackOptions } from "../../local/stack.ts";
import { type CountingServer, startCountingServer } from "./counting-server.ts";
import type { TempProject } from "./temp-project.ts";
import { startTestStack } from "./test-stack.ts";

/**
 * The batch-settlement tests' gateway setting: claims run only when a test asks (the longest
 * interval the 15-minute withdrawal delay allows), so every claim seen has a cause in the test.
 */
export const CLAIMS_WHEN_ASKED = { BATCH_SETTLE_INTERVAL_SECONDS: "450" };

/** A test stack whose "counted" fixtures reach a counting upstream (how tests see a creator run). */
export async function startCountedStack(
  project: TempProject,
  options: LocalStackOptions = {},
): Promise<{ stack: LocalStack; counter: CountingServer; stop(): Promise<void> }> {
  const counter = await startCountingServer();
  try {
    const stack = await startTestStack(project, {
      ...options,
      extraResolveOverrides: { ...options.extraResolveOverrides, "counter.402claw.test": counter.url },
    });
    return {
      stack,
      counter,
      stop: async () => {
        await stack.stop();
        await counter.stop();
      },
    };
  } catch (error) {
    await counter.stop();
    throw error;
  }
}
