import { describe, expect, it } from "vitest";
import { splitSqlStatements } from "./split-sql.ts";

describe("splitSqlStatements", () => {
  it("splits on top-level semicolons and drops comments and blanks", () => {
    const sql =
      "-- header; not a statement\nCREATE TABLE a (x TEXT); /* c; */\n\nINSERT INTO a VALUES ('x;y');\n";
    expect(splitSqlStatements(sql)).toEqual(["CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('x;y')"]);
  });

  it("keeps escaped quotes and quoted identifiers whole", () => {
    expect(splitSqlStatements(`INSERT INTO "we;ird" VALUES ('it''s; fine');SELECT 1`)).toEqual([
      `INSERT INTO "we;ird" VALUES ('it''s; fine')`,
      "SELECT 1",
    ]);
  });

  it("keeps a trigger body with its inner semicolons as one statement", () => {
    const sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; DELETE FROM b; END; SELECT 2;";
    expect(splitSqlStatements(sql)).toEqual([
      "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; DELETE FROM b; END",
      "SELECT 2",
    ]);
  });
});
