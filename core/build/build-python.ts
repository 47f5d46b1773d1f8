import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BuildError } from "../errors.ts";
import { readCreatorFile } from "../manifest/contained-path.ts";
import type { LoadedApi } from "../manifest/load.ts";
import { runtimePath } from "./bundle.ts";
import { VENDOR_DIR, vendorRequirements } from "./python-requirements.ts";
import type { BuiltModule } from "./types.ts";

/** The main module of a deployed Python function, and the shared entry it imports. */
export const PYTHON_MAIN_MODULE = "claw_worker.py";
export const PYTHON_ENTRY_MODULE = "claw_entry.py";
/** Production runs Python Workers with this flag (locally: Pyodide from npm, see local-host.ts). */
export const PYTHON_COMPATIBILITY_FLAGS = ["python_workers"];
/**
 * Top-level names a creator's file may not take: the platform's modules, the local host's, and
 * `workers` (the Python Workers SDK, which a file of that name would shadow).
 */
const RESERVED_FILES = [PYTHON_MAIN_MODULE, PYTHON_ENTRY_MODULE, "claw_local.py", "workers.py"];
const MAX_PY_FILE_BYTES = 1024 * 1024;
const MAX_PY_FILES = 200;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The modules of a Python function: the platform's main module (naming the creator's module),
 * claw_entry.py, and every `.py` file of the API folder (regular files, no links, bounded). A
 * `requirements.txt` is vendored from the API's `wheels/` (pure-Python wheels, under
 * python_modules/: python-requirements.ts).
 */
export function pythonModules(
  api: LoadedApi,
  label: string,
  fetchedWheels: ReadonlyMap<string, Uint8Array> = new Map(),
): { modules: BuiltModule[]; module: string } {
  const module = pythonModuleName(api.manifest.source);
  if (!module.split(".").every((part) => MODULE_NAME.test(part))) {
    throw new BuildError(
      label,
      `"${api.manifest.source}" is not an importable Python module name`,
      "name it like handler.py (letters, digits, _)",
    );
  }
  const vendored = vendorRequirements(api.dir, requirementsLabel(label), fetchedWheels);
  const files = pythonFiles(api.dir, api.dir);
  if (files.length > MAX_PY_FILES) {
    throw new BuildError(
      label,
      `the API folder has ${files.length} .py files, over ${MAX_PY_FILES}`,
      "keep the function small",
    );
  }
  const modules: BuiltModule[] = [
    {
      name: PYTHON_MAIN_MODULE,
      content: readFileSync(runtimePath("templates/python/claw_worker.py"), "utf8").replace(
        "__CREATOR_MODULE__",
        module,
      ),
    },
    {
      name: PYTHON_ENTRY_MODULE,
      content: readFileSync(runtimePath("templates/python/claw_entry.py"), "utf8"),
    },
  ];
  for (const file of files) {
    if (RESERVED_FILES.includes(file) || file.startsWith(`${VENDOR_DIR}/`) || file.startsWith("workers/")) {
      throw new BuildError(
        label.replace(/[^/]*$/, file),
        `uses a name the platform's own modules have (${RESERVED_FILES.join(", ")}, ${VENDOR_DIR}/)`,
        "rename the file (packages go in requirements.txt, their wheels in wheels/)",
      );
    }
    const read = readCreatorFile(api.dir, file, MAX_PY_FILE_BYTES);
    if ("problem" in read)
      throw new BuildError(
        label.replace(/[^/]*$/, file),
        read.problem,
        "keep only regular .py files in the API folder",
      );
    modules.push({ name: file, content: new TextDecoder().decode(read.bytes) });
  }
  modules.push(...vendored);
  return { modules, module };
}

/** The label of an API's requirements.txt, from its source's label (same folder). */
export function requirementsLabel(sourceLabel: string): string {
  return sourceLabel.replace(/[^/]*$/, "requirements.txt");
}

/** The import name of a Python source path: `handler.py` → `handler`, `pkg/main.py` → `pkg.main`. */
export function pythonModuleName(source: string): string {
  return source.replace(/\.py$/i, "").split("/").join(".");
}

/** `.py` files under `dir`, relative, sorted; symbolic links are skipped (never followed). */
function pythonFiles(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "__pycache__") continue;
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) continue;
    if (stats.isDirectory()) found.push(...pythonFiles(root, path));
    else if (stats.isFile() && name.endsWith(".py")) found.push(relative(root, path).split("\\").join("/"));
  }
  return found;
}
