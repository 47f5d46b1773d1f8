/** The marketplace's icon: a "402" badge, served same-origin (no external assets). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1f4fd1"/><text x="32" y="41" font-family="Helvetica,Arial,sans-serif" font-size="24" font-weight="700" text-anchor="middle" fill="#fff">402</text></svg>`;

const SIZE = 16;
const BRAND = [0xd1, 0x4f, 0x1f]; // #1f4fd1 as B, G, R

/**
 * The same badge as a real 16×16 ICO (one 32-bit BMP image), for clients that only ask for
 * /favicon.ico: a rounded blue square with a white bar, drawn once per isolate.
 */
export function faviconIco(): Uint8Array<ArrayBuffer> {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // 1-bit AND mask, rows padded to 4 bytes
  const image = 40 + pixels + mask;
  const bytes = new Uint8Array(6 + 16 + image);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  bytes[6] = SIZE;
  bytes[7] = SIZE;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, image, true);
  view.setUint32(18, 22, true); // offset of the image
  view.setUint32(22, 40, true); // BITMAPINFOHEADER
  view.setInt32(26, SIZE, true);
  view.setInt32(30, SIZE * 2, true); // height counts the mask too
  view.setUint16(34, 1, true);
  view.setUint16(36, 32, true);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const at = 22 + 40 + ((SIZE - 1 - y) * SIZE + x) * 4; // bottom-up rows
      const corner = Math.min(x, SIZE - 1 - x) + Math.min(y, SIZE - 1 - y) < 2;
      const bar = y >= 7 && y <= 8 && x >= 4 && x <= 11;
      const [b, g, r] = bar ? [0xff, 0xff, 0xff] : BRAND;
      bytes.set([b!, g!, r!, corner ? 0 : 0xff], at);
    }
  }
  return bytes;
}
