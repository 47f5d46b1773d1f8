import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import type { Cell, NormalisedDataset } from "./dataset.ts";
import { loadTable, type Table } from "./table.ts";

// A data worker isolate has 128 MB; the table must leave most of it for requests.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** JS heap plus typed-array backing stores, which V8 keeps outside `heapUsed` but the isolate still pays for. */
function heapMb(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 1024 / 1024;
}

function generatedJson(rows: number): string {
  const dataset: NormalisedDataset = {
    version: 1,
    columns: [
      { name: "id", type: "number" },
      { name: "price", type: "number" },
      { name: "qty", type: "number" },
      { name: "active", type: "boolean" },
      { name: "created", type: "date" },
      { name: "name", type: "string" },
      { name: "city", type: "string" },
      { name: "sku", type: "string" },
    ],
    rows: [],
  };
  const base = Date.UTC(2020, 0, 1);
  for (let i = 0; i < rows; i++) {
    const row: Cell[] = [
      i,
      ((i * 7919) % 100_000) / 100,
      i % 50,
      i % 3 === 0 ? null : i % 2 === 0,
      new Date(base + i * 60_000).toISOString(),
      `customer name ${i}`,
      `city-${i % 500}`,
      `SKU-${(i * 31).toString(36).padStart(8, "0")}`,
    ];
    dataset.rows.push(row);
  }
  // The worker receives JSON text from storage, so start from text like it does.
  return JSON.stringify(dataset);
}

describe("loadTable memory", () => {
  it("holds a 100k-row x 8-column table well inside an isolate", () => {
    const before = heapMb();
    let json: string | undefined = generatedJson(100_000);
    let dataset: NormalisedDataset | undefined = JSON.parse(json) as NormalisedDataset;
    json = undefined;
    const table: Table = loadTable(dataset);
    // Parsed rows and the table live side by side while the worker loads: the isolate's peak.
    const peak = heapMb();
    dataset = undefined;
    const retained = heapMb();
    expect(table.rowCount).toBe(100_000);
    expect(peak - before).toBeLessThan(100);
    expect(retained - before).toBeLessThan(60);
    console.info(
      `table memory: peak ${(peak - before).toFixed(1)} MB, retained ${(retained - before).toFixed(1)} MB`,
    );
  });
});
