/**
 * multipart/form-data for the one form that uploads a file (a .bib to import, library.routes.ts),
 * without a dependency: the body is read with a byte limit and handed to the platform's own
 * parser (`Response.formData()`, undici's, part of Node). Files become their text. Registered in
 * the library plugin only, so every other route still refuses multipart bodies.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import type { FormBody } from './form.ts';

/**
 * A body past `limit` is read on (and dropped) up to this much, so the browser sees the 413 page
 * rather than a connection reset mid-upload; past it the request is cut off.
 */
const DRAIN_LIMIT = 32 * 1024 * 1024;

export function registerMultipart(
  app: FastifyInstance,
  limit: number,
  tooLarge: (bytes: number) => string,
): void {
  app.addContentTypeParser('multipart/form-data', async (req: FastifyRequest, payload: IncomingMessage) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of payload as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else if (bytes > DRAIN_LIMIT) break;
    }
    if (bytes > limit) throw new PayloadTooLargeError(tooLarge(bytes));
    const type = String(req.headers['content-type'] ?? '');
    let form: FormData;
    try {
      form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
    } catch {
      throw new InvalidInputError('This upload could not be read as a form (multipart/form-data).');
    }
    const out: FormBody = {};
    for (const [name, value] of form) {
      if (name === '__proto__') continue;
      out[name] = typeof value === 'string' ? value : await value.text();
    }
    return out;
  });
}
