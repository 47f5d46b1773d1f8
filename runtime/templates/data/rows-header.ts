/**
 * The header a data API's worker (platform code, never the creator's) sets to the number of rows it
 * returned; the gateway charges APIs priced per row from it and never passes it on to the caller.
 */
export const ROWS_HEADER = "x-402claw-rows";
