// workerd provides node:buffer under nodejs_compat; the runtime's type set has no Node types, so
// the little the gateway uses (base64 through native code) is declared here (as in @types/node).
declare module "node:buffer" {
  export class Buffer extends Uint8Array {
    static from(text: string, encoding: "utf8" | "base64"): Buffer;
    toString(encoding: "base64" | "utf8"): string;
  }
}
