/** The few typed errors of the platform's node-side tools; each says what was wrong and how to fix it. */

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${field}: ${problem}. Fix: ${fix}`);
    this.name = "ManifestError";
  }
}

/** A creator's data or code that cannot be built (bad CSV, bundling error); names file and position. */
export class BuildError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${problem}. Fix: ${fix}`);
    this.name = "BuildError";
  }
}

/** A bad stack or platform setting; names the key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`config ${key}: ${problem}. Fix: ${fix}`);
    this.name = "ConfigError";
  }
}
