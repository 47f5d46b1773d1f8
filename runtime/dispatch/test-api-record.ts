import type { ApiRecord } from "./api-record.ts";

const OWNER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/**
 * An API record for unit tests: a published $0.001 function owned by (and paying) the example
 * creator. A test overrides what it is about.
 */
export function testApiRecord(overrides: Partial<ApiRecord> & Pick<ApiRecord, "slug">): ApiRecord {
  const { slug } = overrides;
  return {
    title: slug,
    description: `the ${slug} API`,
    kind: "function",
    owner: OWNER,
    priceUsd: "$0.001",
    priceAtomic: "1000",
    payTo: OWNER,
    workerName: slug,
    settleMode: "after",
    limits: {},
    egress: [],
    tags: [],
    example: null,
    outputSchema: null,
    status: "active",
    method: "GET",
    inputSchema: null,
    responseSchema: null,
    platformFeeBps: 0,
    earlierPrices: [],
    ...overrides,
  };
}
