import type { WindowStats } from "../creators/stats-summary.ts";

// The JSON of `GET /admin/overview`, apart from the code that builds it so the dashboard's
// browser script reads the same shape.

/** One API's all-time numbers as the platform reads them. */
export interface PlatformApiLine extends WindowStats {
  slug: string;
  platformFeeBps: number;
}

/** `GET /admin/overview`: revenue across APIs, payments per state (with `unknown`), top APIs. */
export interface PlatformOverview {
  generatedAt: string;
  totals: WindowStats["revenue"] & { paidCalls: number; failedCalls: number; unknownPayments: number };
  states: Array<{ state: string; payments: number; amount: string }>;
  /** Every API with payments, by gross revenue (highest first). */
  topApis: PlatformApiLine[];
}
