import type { Address } from "viem";

/** One API as the public catalog lists it, with its revenue split. */
export interface CatalogApi {
  slug: string;
  title: string;
  price: string;
  split: { payTo: Address; creator: Address; platformFeeBps: number };
}

/** The public catalog of a gateway: payment settings and every API. */
export interface GatewayCatalog {
  payment: { network: string; asset: Address; platformWallet: Address };
  apis: CatalogApi[];
}

/** Reads a gateway's public catalog (JSON). */
export async function readCatalog(gateway: string): Promise<GatewayCatalog> {
  const response = await fetch(`${gateway}/?format=json`).catch(() => {
    throw new Error(`cannot reach ${gateway}: is the marketplace running?`);
  });
  if (!response.ok) throw new Error(`${gateway} answered ${response.status} for its catalog`);
  return (await response.json()) as GatewayCatalog;
}
