/** Plain fixed-width text table: the benchmark prints to a terminal or a CI log, nothing fancier. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  // First column reads as a label (left-aligned); the rest are numbers (right-aligned).
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

export const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
