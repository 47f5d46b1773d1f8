import { Hono } from "hono";
import { z } from "zod";
import { HttpError } from "../../shared/http-error.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { creatorLogs, DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT } from "./creator-logs.ts";
import { creatorStats } from "./creator-stats.ts";
import { jsonBody } from "./json-body.ts";
import { ownedApi, ownedApis } from "./owned-apis.ts";
import { DEFAULT_PAYOUT_LIMIT, latestPayouts, MAX_PAYOUT_LIMIT } from "./payout-rows.ts";
import { recordPayoutsFromChain } from "./record-payouts.ts";
import { requireCreator } from "./require-creator.ts";
import type {
  LogsResponse,
  PayoutListResponse,
  PayoutsResponse,
  SeriesResponse,
  StatsResponse,
} from "./responses.ts";
import { issueChallenge, openSession } from "./sign-in.ts";
import { BUCKETS, statsSeries } from "./stats-series.ts";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be an API slug");
const logsQuery = z.object({
  slug,
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LIMIT).default(DEFAULT_LOG_LIMIT),
});
const seriesQuery = z.object({
  slug,
  bucket: z.enum(Object.keys(BUCKETS) as [keyof typeof BUCKETS]).default("hour"),
});
const payoutsQuery = z.object({
  slug,
  limit: z.coerce.number().int().min(1).max(MAX_PAYOUT_LIMIT).default(DEFAULT_PAYOUT_LIMIT),
});
const payoutsBody = z.object({
  slug,
  txHashes: z
    .array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a transaction hash (0x + 64 hex digits)"))
    .min(1)
    .max(20),
});

type Env = { Bindings: DispatchEnv };
type Handler = (request: Request, env: DispatchEnv, now: number) => Promise<unknown>;

/** Creator sign-in and each creator's private stats, logs and payouts, under /creators. */
export function creatorRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  // Private answers (and their errors) must never sit in a shared cache.
  app.use(async (c, next) => {
    await next();
    const answered = new Response(c.res.body, c.res);
    answered.headers.set("cache-control", "no-store");
    // Hono copies the old response's headers onto a new one; clear it first.
    c.res = undefined;
    c.res = answered;
  });
  app.post("/challenge", (c) => answer(c.req.raw, c.env, issueChallenge));
  app.post("/session", (c) => answer(c.req.raw, c.env, openSession));

  app.get("/me/stats", (c) =>
    answer(c.req.raw, c.env, async (request, env, now) => {
      const { address } = await requireCreator(request, env, now);
      const settings = dispatchSettings(env);
      const given = new URL(request.url).searchParams.get("slug") || undefined;
      const only = given === undefined ? undefined : parse(slug, given, "slug");
      const apis = await ownedApis(env.DB, address, only);
      return {
        address,
        generatedAt: new Date(now).toISOString(),
        apis: await creatorStats(env.DB, { owner: address, slug: only }, apis, now, {
          wallet: settings.platformWallet,
          splitFactory: settings.splitFactory,
        }),
      } satisfies StatsResponse;
    }),
  );

  app.get("/me/logs", (c) =>
    answer(c.req.raw, c.env, async (request, env, now) => {
      const { address } = await requireCreator(request, env, now);
      const query = parse(logsQuery, Object.fromEntries(new URL(request.url).searchParams), "query");
      const api = await ownedApi(env.DB, address, query.slug);
      const calls = await creatorLogs(env.DB, api.slug, query.since, query.limit);
      return { slug: api.slug, calls } satisfies LogsResponse;
    }),
  );

  app.get("/me/series", (c) =>
    answer(c.req.raw, c.env, async (request, env, now) => {
      const { address } = await requireCreator(request, env, now);
      const query = parse(seriesQuery, Object.fromEntries(new URL(request.url).searchParams), "query");
      const api = await ownedApi(env.DB, address, query.slug);
      const points = await statsSeries(env.DB, api, query.bucket, now);
      return {
        slug: api.slug,
        bucket: query.bucket,
        bucketMs: BUCKETS[query.bucket].ms,
        points,
      } satisfies SeriesResponse;
    }),
  );

  app.get("/me/payouts", (c) =>
    answer(c.req.raw, c.env, async (request, env, now) => {
      const { address } = await requireCreator(request, env, now);
      const query = parse(payoutsQuery, Object.fromEntries(new URL(request.url).searchParams), "query");
      const api = await ownedApi(env.DB, address, query.slug);
      return {
        slug: api.slug,
        payouts: await latestPayouts(env.DB, api.slug, query.limit),
      } satisfies PayoutListResponse;
    }),
  );

  app.post("/me/payouts", (c) =>
    answer(c.req.raw, c.env, async (request, env, now) => {
      const { address } = await requireCreator(request, env, now);
      const body = await jsonBody(request, payoutsBody);
      const api = await ownedApi(env.DB, address, body.slug);
      const recorded = await recordPayoutsFromChain(env, api, body.txHashes as `0x${string}`[]);
      return { slug: api.slug, ...recorded } satisfies PayoutsResponse;
    }),
  );

  app.all("*", () => {
    throw new HttpError(
      404,
      "not_found",
      "creator endpoints: POST /creators/challenge, POST /creators/session, GET /creators/me/stats, " +
        "GET /creators/me/logs, GET /creators/me/series, GET and POST /creators/me/payouts",
    );
  });
  return app;
}

// Typed errors propagate to the app's onError, which turns them into their JSON responses.
async function answer(request: Request, env: DispatchEnv, handler: Handler): Promise<Response> {
  return Response.json(await handler(request, env, Date.now()));
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, "bad_request", `${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
