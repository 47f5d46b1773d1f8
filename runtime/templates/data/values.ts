/** Text syntaxes shared by upload-time type inference and query-value parsing, so both agree. */

// Strict decimal: no leading zeros ("007" and "02134" are identifiers, not numbers), no bare ".5" or "5.".
const STRICT_NUMBER = /^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const PLAIN_INTEGER = /^[+-]?\d+$/;

// Date-only, or date-time with optional seconds, fraction and Z/offset.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * True when `text` is a strict decimal number that survives a round trip through a float.
 * Integers beyond 2^53 stay strings: a 19-digit ID must not be silently rounded.
 */
export function isNumberText(text: string): boolean {
  if (!STRICT_NUMBER.test(text)) return false;
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  return !PLAIN_INTEGER.test(text) || Number.isSafeInteger(value);
}

/** Parses "true"/"false" in any case; undefined for anything else. */
export function parseBooleanText(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return undefined;
}

/**
 * Parses an ISO 8601 date or date-time to epoch ms; NaN when invalid (including 2023-02-30).
 * Date-times without an offset are read as UTC so results never depend on the machine's zone.
 */
export function parseIsoDate(text: string): number {
  const match = ISO_DATE.exec(text);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, "0")) : 0;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMinutes(offset) * 60_000;
}

/** True when `text` is a valid ISO 8601 date or date-time. */
export function isIsoDateText(text: string): boolean {
  return !Number.isNaN(parseIsoDate(text));
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function offsetMinutes(offset: string | undefined): number {
  if (!offset || offset === "Z") return 0;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return Number.NaN;
  return (offset[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
}
