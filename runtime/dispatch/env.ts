import { BINDINGS } from "../../core/bindings.ts";
import type { PayerLedger } from "../ledger/payer-ledger.ts";

/**
 * Bindings and settings of the dispatch worker as they arrive. Binding names come from
 * core/bindings.ts (shared with infra/ and the local stack); the plain-text settings are read only
 * through `dispatchSettings` (settings.ts), which validates them all at once.
 */
export interface DispatchEnv {
  [BINDINGS.db]: D1Database;
  [BINDINGS.cache]: KVNamespace;
  /** Production: the Workers for Platforms dispatch namespace. */
  [BINDINGS.dispatcher]?: DispatchNamespace;
  /** Local only: the stand-in namespace, reached over HTTP through the creator supervisor. */
  [BINDINGS.localNamespace]?: Fetcher;
  [BINDINGS.payerLedger]?: DurableObjectNamespace<PayerLedger>;
  ENVIRONMENT?: string;
  /** The marketplace's public origin, e.g. https://market.example.com (locally the gateway URL). */
  PUBLIC_ORIGIN?: string;
  X402_NETWORK?: string;
  X402_ASSET?: string;
  X402_ASSET_NAME?: string;
  X402_ASSET_VERSION?: string;
  FACILITATOR_URL?: string;
  FACILITATOR_AUTH?: string;
  PLATFORM_FEE_BPS?: string;
  PLATFORM_WALLET?: string;
  /** The local PaymentSplitter factory (local stack only), so the dashboard can create a split. */
  SPLIT_FACTORY?: string;
  MAX_BODY_BYTES?: string;
  CREATOR_TIMEOUT_MS?: string;
  /** CPU ms per call for APIs whose manifest sets no `limits.cpuMs` (default 1000). */
  CREATOR_CPU_MS?: string;
  /** Bearer token for /admin endpoints (platform only); unset = no admin endpoints. */
  ADMIN_TOKEN?: string;
  /** Signs creator sessions after a wallet sign-in (secret). */
  AUTH_SECRET?: string;
  /** JSON-RPC endpoint of the payment network, for reconciliation against the chain. */
  RPC_URL?: string;
  X402_MAX_TIMEOUT_SECONDS?: string;
  /** Secret: the batch-settlement receiver-authorizer key; unset = only `exact` is offered. */
  RECEIVER_AUTHORIZER_KEY?: string;
  BATCH_WITHDRAW_DELAY_SECONDS?: string;
  BATCH_SETTLE_INTERVAL_SECONDS?: string;
  BATCH_REFUND_IDLE_SECONDS?: string;
  BATCH_MIN_DEPOSIT_CALLS?: string;
  FACILITATOR_TIMEOUT_MS?: string;
  /** The marketplace's name in discovery documents (default "402claw marketplace"). */
  MARKETPLACE_NAME?: string;
  /** The operator's contact (email or URL) for /openapi.json's info.contact. */
  CONTACT?: string;
}
