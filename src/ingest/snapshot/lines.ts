/**
 * Streams a (possibly gzipped) file as lines with their 1-based number and the byte offset just
 * past them, so an import can save "everything before byte N is committed" and resume there.
 * Lines are yielded as Buffers: UTF-8 validity is checked per line by the caller.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface Line {
  bytes: Buffer;
  /** 1-based line number in the (decompressed) file. */
  number: number;
  /** Offset in the decompressed stream just past this line's newline. */
  end: number;
  /** Set when the line exceeded MAX_LINE_BYTES; `bytes` is then empty. */
  oversized?: boolean;
}

/** Lines longer than this are reported, not buffered: a corrupt file must not exhaust memory. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export interface LineOptions {
  /** Skip everything before this decompressed offset (must be a line start). */
  startOffset?: number;
  startLine?: number;
  /** Called with the compressed bytes read so far, for progress. */
  onRead?: (compressedBytes: number) => void;
}

export async function* readLines(file: string, options: LineOptions = {}): AsyncGenerator<Line> {
  const gz = await isGzip(file);
  const start = options.startOffset ?? 0;
  const raw = createReadStream(file, { start: gz ? 0 : start, highWaterMark: 1 << 20 });
  let compressed = gz ? 0 : start;
  raw.on('data', (c) => {
    compressed += c.length;
    options.onRead?.(compressed);
  });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  let offset = gz ? 0 : start;
  let lineNo = options.startLine ?? 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let oversized = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let pos = 0;
      // Gzip input cannot seek: decompress and drop what the previous run already committed.
      if (offset < start) {
        const skip = Math.min(chunk.length, start - offset);
        offset += skip;
        pos = skip;
        if (pos === chunk.length) continue;
      }
      while (pos < chunk.length) {
        const nl = chunk.indexOf(10, pos);
        if (nl === -1) {
          const rest = chunk.subarray(pos);
          offset += rest.length;
          if (!oversized) {
            pending.push(rest);
            pendingLen += rest.length;
            if (pendingLen > MAX_LINE_BYTES) {
              oversized = true;
              pending = [];
            }
          }
          break;
        }
        const part = chunk.subarray(pos, nl);
        offset += part.length + 1;
        lineNo++;
        if (oversized) yield { bytes: Buffer.alloc(0), number: lineNo, end: offset, oversized: true };
        else
          yield {
            bytes: pending.length ? Buffer.concat([...pending, part]) : part,
            number: lineNo,
            end: offset,
          };
        pending = [];
        pendingLen = 0;
        oversized = false;
        pos = nl + 1;
      }
    }
    if (pendingLen > 0 || oversized) {
      lineNo++;
      yield oversized
        ? { bytes: Buffer.alloc(0), number: lineNo, end: offset, oversized: true }
        : { bytes: Buffer.concat(pending), number: lineNo, end: offset };
    }
  } finally {
    raw.destroy();
  }
}
