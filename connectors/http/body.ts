/**
 * Reading and parsing response bodies: bounded in size (an endpoint gone wrong must not exhaust
 * memory), headers flattened, JSON parsed strictly.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { FerryError, type ErrorContext } from '../../engine/errors.js';
import { bodyExcerpt } from '../../engine/reliability/classify.js';

/** Largest response body read, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The body as UTF-8 text; FERRY_HTTP_MALFORMED past `limit` bytes. Stream errors propagate. */
export async function readBodyText(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  context: ErrorContext,
  limit: number = MAX_BODY_BYTES,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new FerryError(
        'FERRY_HTTP_MALFORMED',
        `The endpoint answered a body larger than ${limit} bytes`,
        {
          context,
        },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Lower-case names, repeated headers joined with ", ". */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The JSON of a successful answer: undefined when the body is empty, FERRY_HTTP_MALFORMED (permanent:
 * the same request would get the same answer) when it is not JSON, whatever the content type says.
 */
export function parseJsonBody(text: string, headers: Record<string, string>, context: ErrorContext): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const type = headers['content-type'] ?? 'no content type';
    const excerpt = bodyExcerpt(text);
    throw new FerryError(
      'FERRY_HTTP_MALFORMED',
      `The endpoint answered a body that is not JSON (${type}): ${JSON.stringify(excerpt.slice(0, 120))}`,
      {
        context: { ...context, body: excerpt },
        cause: err,
        hint: 'The request may have taken effect; check the receiving system before requeueing.',
      },
    );
  }
}
