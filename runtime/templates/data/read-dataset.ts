import { HttpError } from "../../shared/http-error.ts";
import type { ColumnType, NormalisedDataset } from "./dataset.ts";

const TYPES = new Set<ColumnType>(["number", "boolean", "date", "string"]);

/** Checks the shape of a stored dataset before trusting it; a mismatch is a deploy bug, so a 500. */
export function readDataset(value: unknown): NormalisedDataset {
  const dataset = value as Partial<NormalisedDataset> | null;
  const columnsOk =
    Array.isArray(dataset?.columns) &&
    dataset.columns.every((column) => typeof column?.name === "string" && TYPES.has(column.type));
  if (dataset?.version !== 1 || !columnsOk || !Array.isArray(dataset.rows)) {
    throw new HttpError(500, "dataset_invalid", "the stored dataset is not a version 1 normalised dataset");
  }
  return dataset as NormalisedDataset;
}
