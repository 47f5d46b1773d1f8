/** A stream read into memory, up to a cap. */
export interface CappedRead {
  /** Everything read; when `overflow`, more than the cap (the rest of the stream is cancelled). */
  bytes: Uint8Array<ArrayBuffer>;
  overflow: boolean;
}

/**
 * Reads a byte stream into memory, stopping (and cancelling the stream) as soon as more than
 * `maxBytes` arrived. A stream that fails midway rejects.
 */
export async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<CappedRead> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      overflow = true;
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, overflow };
}
