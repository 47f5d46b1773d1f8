import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRequirements, unpackWheel, VENDOR_LIMITS, vendorRequirements } from "./python-requirements.ts";
import { makeWheel, makeZip } from "./wheel-fixture.ts";

const LABEL = "stacks/dev/apis/py/requirements.txt";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "402claw-reqs-"));
  mkdirSync(join(dir, "wheels"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function wheel(file: string, bytes: Uint8Array): void {
  writeFileSync(join(dir, "wheels", file), bytes);
}
function requirements(text: string): void {
  writeFileSync(join(dir, "requirements.txt"), text);
}
const vendor = () => vendorRequirements(dir, LABEL);
const info = (name = "evil-1.0") => [
  { name: `${name}.dist-info/WHEEL`, content: "Wheel-Version: 1.0\n" },
  { name: `${name}.dist-info/METADATA`, content: "Name: evil\n" },
];

describe("requirements.txt lines", () => {
  it("takes `name` and `name==version`, skipping comments and blank lines", () => {
    expect(parseRequirements("# deps\n\nslugify==1.2.3  # pinned\nTiny_Pkg\n", LABEL)).toEqual([
      { name: "slugify", version: "1.2.3", line: 3 },
      { name: "Tiny_Pkg", line: 4 },
    ]);
  });

  it.each([
    ["-e ./local", "options (-e, -r, --index-url, …) are not supported"],
    ["--index-url https://example.com/simple", "options (-e, -r, --index-url, …) are not supported"],
    ["-r other.txt", "options"],
    ["https://example.com/pkg-1.0-py3-none-any.whl", "URLs and paths are not supported"],
    ["pkg @ https://example.com/pkg.whl", "URLs and paths are not supported"],
    ["pkg>=1.0", "is not a supported requirement"],
    ["pkg[extra]==1.0", "is not a supported requirement"],
    ['pkg==1.0; python_version<"3.8"', "is not a supported requirement"],
  ])("refuses %s naming the file, the line and the fix", (line, problem) => {
    expect(() => parseRequirements(`ok==1\n${line}\n`, LABEL)).toThrow(`${LABEL} line 2: `);
    expect(() => parseRequirements(`ok==1\n${line}\n`, LABEL)).toThrow(problem);
    expect(() => parseRequirements(`ok==1\n${line}\n`, LABEL)).toThrow("Fix: ");
  });
});

describe("vendoring wheels from wheels/", () => {
  it("unpacks a pure-Python wheel's .py files under python_modules/, without its metadata", () => {
    requirements("tiny-pkg==0.1\n");
    wheel(
      "tiny_pkg-0.1-py3-none-any.whl",
      makeWheel("tiny_pkg", "0.1", {
        "tiny_pkg/__init__.py": "from .core import shout\n",
        "tiny_pkg/core.py": "def shout(s):\n    return s.upper()\n",
        "tiny_pkg/py.typed": "",
      }),
    );
    expect(vendor()).toEqual([
      { name: "python_modules/tiny_pkg/__init__.py", content: "from .core import shout\n" },
      { name: "python_modules/tiny_pkg/core.py", content: "def shout(s):\n    return s.upper()\n" },
    ]);
  });

  it("accepts py2.py3-none-any and an unpinned name; no requirements.txt vendors nothing", () => {
    expect(vendor()).toEqual([]);
    requirements("Tiny.Pkg\n");
    wheel("tiny_pkg-2.0-py2.py3-none-any.whl", makeWheel("tiny_pkg", "2.0", { "tiny.py": "X = 2\n" }));
    expect(vendor()).toEqual([{ name: "python_modules/tiny.py", content: "X = 2\n" }]);
  });

  it("refuses a missing package naming the line and how to download its wheel", () => {
    requirements("tiny==1.0\nabsent==2.0\n");
    wheel("tiny-1.0-py3-none-any.whl", makeWheel("tiny", "1.0", { "tiny.py": "" }));
    expect(vendor).toThrow(
      `${LABEL} line 2: absent==2.0: no pure-Python wheel for it in wheels/. Fix: download it into the API folder: pip download --no-deps --only-binary=:all: --dest wheels absent==2.0`,
    );
  });

  it("refuses a platform-specific wheel (native code)", () => {
    requirements("fast==1.0\n");
    wheel("fast-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", makeWheel("fast", "1.0", { "fast.py": "" }));
    expect(vendor).toThrow(
      `${LABEL} line 1: fast==1.0: only platform-specific wheels (fast-1.0-cp312-cp312-manylinux_2_17_x86_64.whl); Python functions vendor pure-Python packages only`,
    );
  });

  it("refuses a wheel that is a symbolic link (never followed)", () => {
    requirements("tiny==1.0\n");
    writeFileSync(join(dir, "outside.whl"), makeWheel("tiny", "1.0", { "tiny.py": "" }));
    symlinkSync(join(dir, "outside.whl"), join(dir, "wheels", "tiny-1.0-py3-none-any.whl"));
    expect(vendor).toThrow("wheels/tiny-1.0-py3-none-any.whl: is a symbolic link, which is never followed");
  });

  it("refuses a wheel over the size cap before reading it", () => {
    requirements("big==1.0\n");
    writeFileSync(
      join(dir, "wheels", "big-1.0-py3-none-any.whl"),
      Buffer.alloc(VENDOR_LIMITS.maxWheelBytes + 1),
    );
    expect(vendor).toThrow("wheels/big-1.0-py3-none-any.whl: ");
  });
});

describe("a hostile wheel", () => {
  const unpack = (entries: Parameters<typeof makeZip>[0]) => () =>
    unpackWheel(makeZip(entries), "wheels/evil.whl");

  it.each([
    ["../escape.py", "leaves the package folder"],
    ["pkg/../../escape.py", "leaves the package folder"],
    ["/etc/cron.d/x.py", "is an absolute or Windows path"],
    ["C:/x.py", "is an absolute or Windows path"],
    ["pkg\\..\\x.py", "is an absolute or Windows path"],
    ["pkg/bad name.py", "has an unusual character"],
  ])("refuses an entry named %s", (name, problem) => {
    expect(unpack([...info(), { name, content: "x = 1\n" }])).toThrow(
      `wheels/evil.whl: entry "${name}" ${problem}`,
    );
  });

  it("refuses a symbolic-link entry", () => {
    expect(unpack([...info(), { name: "pkg/link.py", content: "/etc/passwd", mode: 0o120777 }])).toThrow(
      'entry "pkg/link.py" is a symbolic link or special file',
    );
  });

  it("refuses a bomb whose declared size lies, and an entry over the file cap", () => {
    const bomb = "a".repeat(200_000);
    expect(unpack([...info(), { name: "pkg/bomb.py", content: bomb, declaredSize: 100 }])).toThrow(
      "pkg/bomb.py: cannot be inflated within its declared size",
    );
    expect(
      unpack([
        ...info(),
        { name: "pkg/huge.py", content: "a", declaredSize: VENDOR_LIMITS.maxFileBytes + 1 },
      ]),
    ).toThrow(`pkg/huge.py is ${VENDOR_LIMITS.maxFileBytes + 1} bytes, over ${VENDOR_LIMITS.maxFileBytes}`);
  });

  it("refuses native code, files outside the package, non-UTF-8 source, a non-wheel zip and garbage", () => {
    expect(unpack([...info(), { name: "pkg/_speed.so", content: "\x7fELF" }])).toThrow(
      "contains native code",
    );
    expect(unpack([...info(), { name: "evil-1.0.data/scripts/run.py", content: "" }])).toThrow(
      "installs files outside the package",
    );
    expect(unpack([...info(), { name: "pkg/latin.py", content: new Uint8Array([0xff, 0xfe]) }])).toThrow(
      'entry "pkg/latin.py" is not UTF-8 text',
    );
    expect(unpack([{ name: "pkg/x.py", content: "" }])).toThrow("is not a wheel (no *.dist-info/WHEEL)");
    expect(() => unpackWheel(new Uint8Array([1, 2, 3]), "wheels/evil.whl")).toThrow(
      "the wheel is not a zip archive",
    );
  });

  it("refuses a wheel with more entries than the cap", () => {
    const many = Array.from({ length: VENDOR_LIMITS.maxEntries + 1 }, (_, i) => ({
      name: `pkg/m${i}.py`,
      content: "",
    }));
    expect(unpack([...info(), ...many])).toThrow(`entries, over ${VENDOR_LIMITS.maxEntries}`);
  });
});
