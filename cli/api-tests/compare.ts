import type { TestCase } from "./cases.ts";

/** What came back for one case. */
export interface ActualResponse {
  status: number;
  headers: Headers;
  text: string;
}

const show = (value: unknown) => JSON.stringify(value) ?? "undefined";

/** Every way `actual` misses the case's expectation, one line each (empty when it passes). */
export function compareResponse(expected: TestCase["expect"], actual: ActualResponse): string[] {
  const problems: string[] = [];
  if (expected.status !== undefined && expected.status !== actual.status) {
    problems.push(`status: expected ${expected.status}, got ${actual.status}`);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const got = actual.headers.get(name);
    if (got === null || !got.includes(value))
      problems.push(`header ${name}: expected to contain ${show(value)}, got ${show(got)}`);
  }
  if (expected.text !== undefined && expected.text !== actual.text) {
    problems.push(`body: expected ${show(expected.text)}, got ${show(shorten(actual.text))}`);
  }
  if (expected.contains !== undefined && !actual.text.includes(expected.contains)) {
    problems.push(`body: expected to contain ${show(expected.contains)}, got ${show(shorten(actual.text))}`);
  }
  if (expected.json !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(actual.text);
    } catch {
      problems.push(`body: expected JSON, got ${show(shorten(actual.text))}`);
      return problems;
    }
    problems.push(...jsonDiff(expected.json, body, "body"));
  }
  return problems;
}

/**
 * Where `actual` differs from `expected`: objects match when every expected field matches (extra
 * fields are fine), arrays element by element with the same length, anything else by equality.
 */
export function jsonDiff(expected: unknown, actual: unknown, path: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (expected.length !== actual.length)
      return [`${path}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, index) => jsonDiff(item, actual[index], `${path}[${index}]`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return [`${path}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      key in actual
        ? jsonDiff(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: missing (expected ${show(value)})`],
    );
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
