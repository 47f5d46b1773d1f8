import { describe, expect, it } from "vitest";
import { isIsoDateText, isNumberText, parseBooleanText, parseIsoDate } from "./values.ts";

describe("isNumberText", () => {
  it.each(["0", "0.5", "-3", "+4", "12.25", "1e3", "1.5E-7", "-0", "9007199254740991"])(
    "accepts %s",
    (text) => {
      expect(isNumberText(text)).toBe(true);
    },
  );
  it.each([
    "007",
    "02134",
    "-01",
    ".5",
    "5.",
    "",
    " 1",
    "1 ",
    "1,000",
    "0x10",
    "Infinity",
    "NaN",
    "1e999",
    "12345678901234567890",
    "abc",
  ])("rejects %j", (text) => {
    expect(isNumberText(text)).toBe(false);
  });
});

describe("parseBooleanText", () => {
  it("reads true/false in any case and nothing else", () => {
    expect(parseBooleanText("TRUE")).toBe(true);
    expect(parseBooleanText("False")).toBe(false);
    expect(parseBooleanText("yes")).toBeUndefined();
    expect(parseBooleanText("1")).toBeUndefined();
  });
});

describe("parseIsoDate", () => {
  it("reads date-only and date-time forms as UTC unless an offset is given", () => {
    expect(parseIsoDate("2024-03-01")).toBe(Date.UTC(2024, 2, 1));
    expect(parseIsoDate("2024-03-01T10:20")).toBe(Date.UTC(2024, 2, 1, 10, 20));
    expect(parseIsoDate("2024-03-01T10:20:30Z")).toBe(Date.UTC(2024, 2, 1, 10, 20, 30));
    expect(parseIsoDate("2024-03-01T10:20:30.123456Z")).toBe(Date.UTC(2024, 2, 1, 10, 20, 30, 123));
    expect(parseIsoDate("2024-03-01T10:20:30+02:00")).toBe(Date.UTC(2024, 2, 1, 8, 20, 30));
    expect(parseIsoDate("2024-03-01T10:20:30-0530")).toBe(Date.UTC(2024, 2, 1, 15, 50, 30));
    expect(parseIsoDate("0099-01-01")).toBe(new Date("0099-01-01T00:00:00Z").getTime());
  });
  it.each([
    "2023-02-29",
    "2024-02-30",
    "2024-13-01",
    "2024-00-10",
    "2024-01-01T24:00",
    "2024-01-01T10:60",
    "2024-01-01T10:00+25:00",
    "2024-1-1",
    "01/02/2024",
    "2024-01-01 10:00",
    "yesterday",
  ])("rejects %j", (text) => {
    expect(isIsoDateText(text)).toBe(false);
  });
  it("accepts leap days in leap years", () => {
    expect(isIsoDateText("2024-02-29")).toBe(true);
    expect(isIsoDateText("2000-02-29")).toBe(true);
    expect(isIsoDateText("1900-02-29")).toBe(false);
  });
});
