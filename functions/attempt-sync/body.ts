/**
 * Reading a request body of bounded size: refused from its `Content-Length`
 * when that is too large, else read as a stream and refused as soon as the
 * bytes read pass the limit, so no more than the limit is ever buffered.
 *
 * @module
 */

import { HttpError } from "../_shared/errors.ts";

/**
 * The body's bytes, at most `maxBytes` of them.
 *
 * @example
 * ```ts
 * const bytes = await readBodyBytes(request, 256 * 1024);
 * ```
 * @throws {HttpError} 413 `payload_too_large` when the body is larger.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^[0-9]+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    throw payloadTooLarge(maxBytes);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw payloadTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Parses UTF-8 JSON bytes.
 *
 * @example
 * ```ts
 * parseJsonBytes(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 * ```
 * @throws {HttpError} 400 `invalid_json` for empty, non-UTF-8 or non-JSON bytes.
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) {
    throw new HttpError(400, {
      code: "invalid_json",
      message: "Cannot read request body: it is empty",
    });
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new HttpError(400, {
      code: "invalid_json",
      message: "Cannot read request body: it is not valid JSON",
      cause: error,
    });
  }
}

function payloadTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, {
    code: "payload_too_large",
    message: `Cannot read request body: it is larger than ${maxBytes} bytes`,
    details: { maxBytes },
  });
}
