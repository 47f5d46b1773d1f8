import { BuildError } from "../errors.ts";

const MAX_NAME_LENGTH = 64;
// These would break the query string: "," separates `fields`, "=" and "&" separate parameters.
const FORBIDDEN = /[,=&]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks header names are usable as query fields (`filter_<name>__<op>`); throws BuildError naming the column. */
export function checkColumnNames(file: string, names: readonly string[]): void {
  // Keyed by lower case: "id" and "ID" would confuse callers and tools that match fields case-insensitively.
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
    if (CONTROL.test(name)) {
      throw new BuildError(
        file,
        `${where} (${JSON.stringify(name)}) contains a control character (NUL, tab, line break, …)`,
        "use printable characters only; if the file is UTF-16 or binary, save it as UTF-8 text",
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
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) {
      const same = names[previous] === name;
      throw new BuildError(
        file,
        same
          ? `${quoted} duplicates column ${previous + 1}`
          : `${quoted} differs from column ${previous + 1} ("${names[previous]}") only by letter case`,
        "give every column a unique name (ignoring case)",
      );
    }
    seen.set(name.toLowerCase(), index);
  });
}
