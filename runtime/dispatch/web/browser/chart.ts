import uPlot from "uplot";
import type { SeriesResponse } from "../../creators/responses.ts";
import { usd } from "./format.ts";

let chart: uPlot | undefined;

/**
 * Draws (or redraws) paid calls and revenue per bucket with uPlot into `container`, and writes the
 * totals into `caption`: the chart's text alternative.
 */
export function drawChart(container: HTMLElement, caption: HTMLElement, series: SeriesResponse): void {
  const paid = series.points.reduce((sum, point) => sum + point.paidCalls, 0);
  const gross = series.points.reduce((sum, point) => sum + BigInt(point.revenue.gross), 0n);
  const span = series.bucket === "hour" ? "48 hours" : "30 days";
  caption.textContent = `${paid} paid call${paid === 1 ? "" : "s"} and ${usd(gross)} revenue in the last ${span}, per ${series.bucket}`;
  const xs = series.points.map((point) => point.start / 1000);
  const calls = series.points.map((point) => point.paidCalls);
  const revenue = series.points.map((point) => Number(point.revenue.gross) / 1e6);
  const width = Math.max(280, Math.min(container.clientWidth || 900, 940));
  chart?.destroy();
  chart = new uPlot(
    {
      width,
      height: 260,
      scales: {
        x: { time: true },
        calls: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        usd: { range: (_u, _min, max) => [0, Math.max(0.001, max)] },
      },
      series: [
        {},
        { label: "Paid calls", scale: "calls", stroke: "#0b57d0", width: 2, fill: "rgba(11,87,208,0.08)" },
        {
          label: "Revenue (USD)",
          scale: "usd",
          stroke: "#137333",
          width: 2,
          value: (_u, v) => (v == null ? "–" : `$${v.toFixed(6)}`),
        },
      ],
      axes: [
        {},
        { scale: "calls", label: "calls" },
        {
          scale: "usd",
          side: 1,
          label: "USD",
          grid: { show: false },
          values: (_u, ticks) => ticks.map((tick) => `$${tick}`),
        },
      ],
    },
    [xs, calls, revenue],
    container,
  );
}
