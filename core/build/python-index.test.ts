import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchIndexWheels } from "./python-index.ts";
import { VENDOR_LIMITS, vendorRequirements } from "./python-requirements.ts";
import { makeWheel } from "./wheel-fixture.ts";

// A real HTTP package index on loopback, answering PyPI's JSON API shape.
const LABEL = "stacks/dev/apis/py/requirements.txt";
const TINY = makeWheel("tinyslug", "1.0", { "tinyslug/__init__.py": "VERSION = '1.0'\n" });
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
let server: Server;
let index: string;
let requests: string[];
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const files = `${index.replace(/\/pypi$/, "")}/files`;
    const json = (body: unknown) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/pypi/tinyslug/1.0/json")
      return json({
        urls: [
          { filename: "tinyslug-1.0.tar.gz", url: `${files}/tinyslug-1.0.tar.gz`, packagetype: "sdist" },
          {
            filename: "tinyslug-1.0-py3-none-any.whl",
            url: `${files}/tiny.whl`,
            size: TINY.byteLength,
            digests: { sha256: sha256(TINY) },
          },
        ],
      });
    if (req.url === "/pypi/fast/2.0/json")
      return json({
        urls: [
          {
            filename: "fast-2.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            url: `${files}/fast.whl`,
            digests: { sha256: "00" },
          },
        ],
      });
    if (req.url === "/pypi/tampered/1.0/json")
      return json({
        urls: [
          {
            filename: "tampered-1.0-py3-none-any.whl",
            url: `${files}/tiny.whl`,
            digests: { sha256: "ab".repeat(32) },
          },
        ],
      });
    if (req.url === "/pypi/huge/1.0/json")
      return json({
        urls: [
          {
            filename: "huge-1.0-py3-none-any.whl",
            url: `${files}/huge.whl`,
            digests: { sha256: "ab".repeat(32) },
          },
        ],
      });
    if (req.url === "/files/tiny.whl") return res.writeHead(200).end(TINY);
    if (req.url === "/files/huge.whl")
      return res.writeHead(200).end(Buffer.alloc(VENDOR_LIMITS.maxWheelBytes + 1));
    res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  index = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pypi`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  dir = mkdtempSync(join(tmpdir(), "402claw-index-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const requirements = (text: string) => writeFileSync(join(dir, "requirements.txt"), text);

describe("wheels from a package index (online builds, CLAW_PYTHON_INDEX)", () => {
  it("fetches the pure-Python wheel wheels/ lacks, checks its sha256, and vendors it", async () => {
    requirements("tinyslug==1.0\n");
    const fetched = await fetchIndexWheels(dir, LABEL, index);
    expect([...fetched.keys()]).toEqual(["tinyslug-1.0-py3-none-any.whl"]);
    expect(vendorRequirements(dir, LABEL, fetched)).toEqual([
      { name: "python_modules/tinyslug/__init__.py", content: "VERSION = '1.0'\n" },
    ]);
    expect(requests).toEqual(["/pypi/tinyslug/1.0/json", "/files/tiny.whl"]);
  });

  it("asks nothing when the index is off or wheels/ has the wheel", async () => {
    requirements("tinyslug==1.0\n");
    expect((await fetchIndexWheels(dir, LABEL, undefined)).size).toBe(0);
    mkdirSync(join(dir, "wheels"));
    writeFileSync(join(dir, "wheels", "tinyslug-1.0-py3-none-any.whl"), TINY);
    expect((await fetchIndexWheels(dir, LABEL, index)).size).toBe(0);
    expect(requests).toEqual([]);
  });

  it.each([
    [
      "fast==2.0",
      "line 1: fast: the index has no pure-Python wheel (py3-none-any) (only fast-2.0-cp312-cp312-manylinux_2_17_x86_64.whl)",
    ],
    ["tampered==1.0", "line 1: tampered-1.0-py3-none-any.whl does not match the index's sha256"],
    ["absent==3.0", "line 1: absent==3.0: not on the package index"],
    ["huge==1.0", `line 1: huge-1.0-py3-none-any.whl is over ${VENDOR_LIMITS.maxWheelBytes} bytes`],
  ])("refuses %s naming requirements.txt and the line", async (line, problem) => {
    requirements(`${line}\n`);
    await expect(fetchIndexWheels(dir, LABEL, index)).rejects.toThrow(`${LABEL} ${problem}`);
  });
});
