import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ManifestError } from "../../core/errors.ts";
import { readCreatorFile } from "../../core/manifest/contained-path.ts";
import type { LoadedApi } from "../../core/manifest/load.ts";

/** The tests file of an API folder: request → expected response cases for `402claw test`. */
export const TESTS_FILE = "tests.yaml";
const MAX_TESTS_BYTES = 256 * 1024;

const headers = z.record(z.string(), z.string());

const testCaseSchema = z.strictObject({
  name: z.string().min(1).max(200),
  request: z.strictObject({
    method: z
      .string()
      .regex(/^[A-Z]+$/, { message: "must be an upper-case HTTP method such as GET or POST" })
      .default("GET"),
    /** Path and query relative to the API, e.g. "/convert?from=USD". */
    path: z.string().regex(/^[/?]/, { message: "must start with / or ? (relative to the API)" }).default("/"),
    headers: headers.optional(),
    /** An object or array is sent as JSON; a string as text. */
    body: z.unknown().optional(),
  }),
  expect: z
    .strictObject({
      status: z.number().int().min(100).max(599).optional(),
      /** Each header must contain the value given (names are case-insensitive). */
      headers: headers.optional(),
      /** The JSON body must contain these fields with these values (extra fields are allowed). */
      json: z.unknown().optional(),
      /** The body must equal this text exactly. */
      text: z.string().optional(),
      /** The body must contain this text. */
      contains: z.string().optional(),
    })
    .refine((expected) => Object.keys(expected).length > 0, {
      message: "must expect something: status, headers, json, text or contains",
    }),
});

/** One request → expected response case. */
export type TestCase = z.output<typeof testCaseSchema>;

/** An API's test cases ([] when it has no tests file); a bad file is a ManifestError naming the case and field. */
export function loadTestCases(api: LoadedApi): TestCase[] {
  const file = api.file.replace(/api\.yaml$/, TESTS_FILE);
  if (!existsSync(join(api.dir, TESTS_FILE))) return [];
  const read = readCreatorFile(api.dir, TESTS_FILE, MAX_TESTS_BYTES);
  if ("problem" in read)
    throw new ManifestError(file, "(file)", read.problem, "make tests.yaml a plain file");
  const document = parseDocument(new TextDecoder().decode(read.bytes));
  if (document.errors[0]) {
    throw new ManifestError(file, "(yaml)", "is not valid YAML", "check indentation and quoting");
  }
  const parsed = z.array(testCaseSchema).max(200).safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, ...rest] = issue.path;
    const field =
      typeof index === "number" ? `case ${index + 1}${rest.length ? `: ${rest.join(".")}` : ""}` : "(file)";
    throw new ManifestError(
      file,
      field,
      issue.message,
      "write a list of cases: - name: …, request: { method, path, headers, body }, expect: { status, headers, json, text, contains }",
    );
  }
  return parsed.data;
}
