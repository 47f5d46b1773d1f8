import { formatUsd } from "../../../../core/price.ts";

/** Token units (decimal string) as USD, e.g. "1500" → "$0.0015". */
export const usd = (atomic: string | bigint): string => formatUsd(BigInt(atomic));

/** A wallet address or hash shortened for a table cell. */
export const short = (value: string): string => `${value.slice(0, 6)}…${value.slice(-4)}`;

/** Creates an element with text content (never HTML: every value here may come from others). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text = "",
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** The element matching `selector` inside `root`, or an error naming what the page lacks. */
export function find<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T & Element>(selector);
  if (!found) throw new Error(`page element ${selector} is missing`);
  return found;
}
