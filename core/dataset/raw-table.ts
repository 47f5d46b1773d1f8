/** The common shape the CSV and JSON readers produce before types are inferred. */

/** A cell as read: CSV gives strings, JSON may also give numbers and booleans; null is an empty cell. */
export type RawCell = string | number | boolean | null;

export interface RawTable {
  header: string[];
  /** Aligned with `header`; every record has exactly `header.length` cells. */
  records: RawCell[][];
  /** How the creator counts rows: CSV counts the header as row 1 (data starts at 2), JSON counts array elements from 1. */
  firstRecordRow: number;
}
