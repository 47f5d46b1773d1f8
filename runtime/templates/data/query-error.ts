import { HttpError } from "../../shared/http-error.ts";

/** A bad data-API query: always the caller's fault, so always a 400 whose message names what was wrong. */
export class QueryError extends HttpError {
  declare readonly status: 400;
  constructor(code: string, message: string) {
    super(400, code, message);
    this.name = "QueryError";
  }
}
