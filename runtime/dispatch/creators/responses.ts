import type { PayoutStats, WindowStats } from "./stats-summary.ts";

// The JSON the /creators endpoints answer, in one place so the CLI reads the same shapes the
// worker writes. Amounts are decimal strings of token units (x402 convention), times unix ms
// unless named otherwise.

/** `POST /creators/challenge`. */
export interface ChallengeResponse {
  message: string;
  nonce: string;
  expiresAt: string;
}

/** `POST /creators/session`. */
export interface SessionResponse {
  token: string;
  address: string;
  expiresAt: string;
}

/** One API's private stats. */
export interface ApiStats {
  slug: string;
  title: string;
  status: string;
  priceAtomic: string;
  payTo: string;
  platformFeeBps: number;
  windows: Record<WindowName, WindowStats>;
  payouts: PayoutStats;
  /** The split's terms as `payTo` was made from them: what a wallet needs to create it and withdraw. */
  split: SplitInfo;
}

/** An API's revenue split: public anyway (it is on chain), so a page can send `402claw withdraw`'s transactions. */
export interface SplitInfo {
  kind: "0xsplits-v2" | "local-payment-splitter" | null;
  creator: string;
  /** The platform wallet (the gateway's PLATFORM_WALLET); null when the gateway has none set. */
  platform: string | null;
  platformFeeBps: number;
  /** The factory that creates the split, when the SDK does not know it (the local stack's). */
  factory: string | null;
}

/** The windows every stat is given for: the last 24 hours, the last 7 days, and all time. */
export type WindowName = "last24h" | "last7d" | "allTime";

/** `GET /creators/me/stats`. */
export interface StatsResponse {
  address: string;
  generatedAt: string;
  apis: ApiStats[];
}

/** One call in a creator's log. */
export interface LogLine {
  id: string;
  createdAt: number;
  /** `createdAt` as ISO text. */
  time: string;
  payer: string;
  state: string;
  responseStatus: number | null;
  amount: string;
  latencyMs: number | null;
  txHash: string | null;
  error: string | null;
}

/** `GET /creators/me/logs`: newest first. */
export interface LogsResponse {
  slug: string;
  calls: LogLine[];
}

/** A payout recorded from the chain; times in unix seconds (the payouts table's unit). */
export interface PayoutRow {
  id: number;
  apiSlug: string;
  recipient: string;
  role: "creator" | "platform";
  amount: string;
  txHash: string;
  status: string;
  createdAt: number;
  confirmedAt: number | null;
}

/** A transaction that recorded nothing, and why. */
export interface SkippedTransaction {
  txHash: string;
  reason: string;
}

/** `POST /creators/me/payouts`: every row the named transactions account for. */
export interface PayoutsResponse {
  slug: string;
  payouts: PayoutRow[];
  skipped: SkippedTransaction[];
}

/** `GET /creators/me/payouts`: an API's latest payouts, newest first. */
export interface PayoutListResponse {
  slug: string;
  payouts: PayoutRow[];
}

/** One bucket of an API's calls and revenue: the same numbers as a stats window, per time slice. */
export interface SeriesPoint extends WindowStats {
  /** Bucket start, unix ms (UTC-aligned). */
  start: number;
}

/** `GET /creators/me/series`: one API's calls and revenue per bucket, oldest first. */
export interface SeriesResponse {
  slug: string;
  bucket: "hour" | "day";
  bucketMs: number;
  points: SeriesPoint[];
}
