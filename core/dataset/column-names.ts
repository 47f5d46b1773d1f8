import { BuildError } from "../errors.ts";

const MAX_NAME_LENGTH = 64;
// These would break the query string: "," separates `fields`, "=" and "&" separate parameters.
const FORBIDDEN = /[,=&]/;

/** Checks header names are usable as query fields (`filter_<name>__<op>`); throws BuildError naming the column. */
export function checkColumnNames(file: string, names: readonly string[]): void {
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    const where = `column ${index + 1}`;
    if (name.trim() === "") {
      throw new BuildError(file, `${where} has an empty name`, "give every column a name in the header row");
    }
    const quoted = `${where} ("${name}")`;
    if (name !== name.trim()) {
      throw new BuildError(
        file,
        `${quoted} has leading or trailing spaces`,
        "remove the spaces around the name",
      );
    }
    if (name.length > MAX_NAME_LENGTH) {
      throw new BuildError(
        file,
        `${quoted} is longer than ${MAX_NAME_LENGTH} characters`,
        "use a shorter column name",
      );
    }
    if (FORBIDDEN.test(name)) {
      throw new BuildError(
        file,
        `${quoted} contains "," "=" or "&"`,
        "remove those characters from the name",
      );
    }
    if (name.includes("__")) {
      throw new BuildError(
        file,
        `${quoted} contains "__", which separates operators in queries (filter_<field>__gt)`,
        'use a single "_" instead',
      );
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new BuildError(
        file,
        `${quoted} duplicates column ${previous + 1}`,
        "give every column a unique name",
      );
    }
    seen.set(name, index);
  });
}
