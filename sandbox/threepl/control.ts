/**
 * The simulator's control API, so a test that runs Ferry (or the simulator) in a child process can
 * switch faults and inspect what arrived: `POST|DELETE /_control/faults`, `GET /_control/received`,
 * `GET /_control/effects`, `GET /_control/stats`, `POST /_control/token`, `POST /_control/reset`.
 */
import { isFerryError } from '../../engine/errors.js';
import type { FaultRule, FaultSettings } from './faults.js';
import type { ThreePlSimulator } from './simulator.js';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

function parse(body: string): unknown {
  try {
    return body.trim() === '' ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A list of rules, or `{ faults, seed }`. */
function faultSettings(input: unknown): FaultSettings {
  if (Array.isArray(input)) return { faults: input as FaultRule[] };
  return (input ?? {}) as FaultSettings;
}

export function handleControl(
  simulator: ThreePlSimulator,
  method: string,
  path: string,
  body: string,
): ControlAnswer {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'POST /_control/faults': {
        const { faults, seed } = faultSettings(parse(body));
        simulator.setFaults(faults, seed);
        return { status: 200, body: { faults: simulator.faults() } };
      }
      case 'GET /_control/faults':
        return { status: 200, body: { faults: simulator.faults() } };
      case 'DELETE /_control/faults':
        simulator.clearFaults();
        return { status: 200, body: { faults: [] } };
      case 'GET /_control/received':
        return { status: 200, body: simulator.received };
      case 'GET /_control/effects':
        return { status: 200, body: Object.fromEntries(simulator.effects()) };
      case 'GET /_control/stats':
        return { status: 200, body: simulator.stats() };
      case 'POST /_control/token': {
        const token = (parse(body) as { token?: unknown } | undefined)?.token;
        if (typeof token !== 'string' || token === '') {
          return { status: 400, body: { error: 'expected {"token": "<new token>"}' } };
        }
        simulator.rotateToken(token);
        return { status: 200, body: { rotated: true } };
      }
      case 'POST /_control/reset':
        simulator.reset();
        return { status: 200, body: { reset: true } };
      default:
        return { status: 404, body: { error: `no control endpoint ${route}` } };
    }
  } catch (err) {
    if (isFerryError(err)) return { status: 400, body: { error: err.message } };
    throw err;
  }
}
