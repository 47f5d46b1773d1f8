import { Buffer } from "node:buffer";

/**
 * JSON in base64 (x402's PAYMENT-REQUIRED and PAYMENT-SIGNATURE headers) through the runtime's
 * native Buffer: a payment header is a few KB, and x402's own helpers (a callback per character)
 * cost a few tenths of a millisecond of CPU per call on the payment path.
 */
export function encodeBase64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}

/** Throws on text that is not base64 of UTF-8 JSON (Buffer alone would skip invalid characters). */
export function decodeBase64Json(text: string): unknown {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) throw new Error("not base64");
  return JSON.parse(UTF8.decode(Buffer.from(trimmed, "base64")));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
