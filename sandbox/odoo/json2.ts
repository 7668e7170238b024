/**
 * Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>`, `Authorization: bearer <api key>`,
 * optional `X-Odoo-Database`, named arguments in a JSON object, the bare result as the body, errors
 * as `{name, message, arguments, context, debug}` with 401/403/404/422/500. Releases before 19 have
 * no such route: the request is redirected to the login page, as captured on 18.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { asOdooError, type OdooService } from './dispatch.js';
import { httpError, json2Status, serializeError } from './errors.js';
import { JSON_TYPE, redirectReply, type Reply } from './http-io.js';
import { pyJson } from './pyjson.js';

export async function handleJson2(
  service: OdooService,
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<Reply> {
  const profile = service.deps.profile;
  if (!profile.json2) {
    const fullPath = `${url.pathname}?${url.search.replace(/^\?/, '')}`;
    return redirectReply(303, `/web/login?redirect=${encodeURIComponent(fullPath)}`);
  }
  try {
    const match = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!match || method !== 'POST') throw httpError(404, 'Did you mean POST /json/2/<model>/<method>?');
    const [, model = '', name = ''] = match;
    const header = (key: string) => {
      const value = headers[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const result = await service.executeJson2(
      header('x-odoo-database'),
      header('authorization'),
      decodeURIComponent(model),
      decodeURIComponent(name),
      () => parseBody(body),
    );
    return { status: 200, contentType: JSON_TYPE, nosniff: true, body: pyJson(result) };
  } catch (err) {
    const error = asOdooError(err);
    const status = json2Status(error);
    return {
      status,
      contentType: JSON_TYPE,
      body: pyJson(serializeError(error, profile)),
      ...(status === 401 ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}),
    };
  }
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw httpError(400, `could not parse the body as json: ${(err as Error).message}`);
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}
