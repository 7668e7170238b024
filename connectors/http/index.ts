/** The HTTP target connector: what the engine needs to deliver payloads to an HTTP endpoint. */
export { createHttpTarget } from './target.js';
export { systemClock, type Clock } from './clock.js';
export type { HttpAuth, HttpRequest, HttpResponse, HttpTarget, HttpTargetOptions } from './types.js';
export { httpTargetFactory } from './factory.js';
