/** The Odoo client's public surface: what the Odoo connector and the CLI import. */
export {
  createOdooClient,
  type Domain,
  type LoadResult,
  type MessagePostOptions,
  type OdooClient,
  type OdooClientOptions,
  type OdooRecord,
  type SearchOptions,
  type SearchReadOptions,
} from './client.js';
export type { Protocol } from './errors.js';
export { parseMajorVersion, renamedField, type AccessOperation } from './versions.js';
