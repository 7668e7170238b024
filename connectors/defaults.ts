/** The connectors this build ships, registered by name. Tests build their own registries. */
import { ConnectorRegistry } from './registry.js';
import { httpTargetFactory } from './http/factory.js';
import { odooSourceFactory } from './odoo/index.js';

export function defaultRegistry(): ConnectorRegistry {
  return new ConnectorRegistry()
    .registerSource('odoo', odooSourceFactory)
    .registerTarget('http', httpTargetFactory);
}
