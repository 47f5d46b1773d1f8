import { createDispatchApp } from "./app.ts";

/** The dispatch worker: every request to the marketplace enters here. */
export default createDispatchApp();
