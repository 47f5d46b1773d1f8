/**
 * Splits a SQL script into statements on top-level semicolons, ignoring semicolons inside
 * quotes, comments and trigger bodies (BEGIN ... END). Runners execute statement lists because
 * a D1 binding's `exec` is line-oriented and cannot take parameters.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === "-" && next === "-") {
      const end = script.indexOf("\n", i);
      i = end === -1 ? script.length : end + 1;
      current += "\n";
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = script.indexOf("*/", i + 2);
      i = end === -1 ? script.length : end + 2;
      current += " ";
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      const close = ch === "[" ? "]" : ch;
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === close) {
          if (close !== "]" && script[j + 1] === close) {
            j += 2; // doubled quote is an escaped quote
            continue;
          }
          break;
        }
        j++;
      }
      current += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ";" && !insideTriggerBody(current)) {
      pushStatement(statements, current);
      current = "";
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  pushStatement(statements, current);
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  const trimmed = text.trim();
  if (trimmed) statements.push(trimmed);
}

// A CREATE TRIGGER body holds its own semicolons; the statement ends at the END that closes it.
function insideTriggerBody(statementSoFar: string): boolean {
  if (!/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(statementSoFar)) return false;
  return !/\bEND\s*$/i.test(statementSoFar);
}
