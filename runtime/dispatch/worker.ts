import { createDispatchApp } from "./app.ts";

/** The payer ledger Durable Object class is exported by the dispatch script (one per payer address). */
export { PayerLedger } from "../ledger/payer-ledger.ts";

/** The dispatch worker: every request to the marketplace enters here. */
export default createDispatchApp();
