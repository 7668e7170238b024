/**
 * Everything that differs between the Odoo releases the simulator can pretend to be, in one place.
 * Code elsewhere asks the profile instead of comparing version numbers.
 */
export type OdooVersion = 16 | 17 | 18 | 19;

export interface VersionProfile {
  major: OdooVersion;
  serverVersion: string;
  versionInfo: [number, number, number, string, number, string];
  /** `/json/2/<model>/<method>` with bearer API keys (19 on). Before, the route redirects to the login page. */
  json2: boolean;
  /** `check_access_rights` (deprecated in 18, gone in 19). */
  checkAccessRights: boolean;
  /** `has_access` (18 on). */
  hasAccess: boolean;
  /** `name_get` (gone in 18; `display_name` everywhere). */
  nameGet: boolean;
  /** stock.picking's moves: `move_lines` on 16 in this simulator, `move_ids` after. */
  pickingMovesField: 'move_ids' | 'move_lines';
  /** stock.move's done quantity: `quantity_done` on 16, `quantity` after. */
  moveQuantityField: 'quantity' | 'quantity_done';
  /** 16 names the domain of search/search_count/name_search `args`, and search takes `count`. */
  legacySearchArgs: boolean;
  /** res.users' groups: `groups_id` until 18, `group_ids` in 19. */
  userGroupsField: 'groups_id' | 'group_ids';
  /** Key order of `error.data`: 16–18 put `debug` second, 19 last. */
  debugLast: boolean;
  /** 16–18 leave `result` out of the JSON-RPC envelope when a method returns None. */
  omitNoneResult: boolean;
  /** Werkzeug's reason phrase style: "SEE OTHER" (old werkzeug) or "See Other". */
  upperReasons: boolean;
  /** sale.order states: 'done' exists until 16. */
  saleOrderStates: Array<[string, string]>;
}

const SALE_STATES_16: Array<[string, string]> = [
  ['draft', 'Quotation'],
  ['sent', 'Quotation Sent'],
  ['sale', 'Sales Order'],
  ['done', 'Locked'],
  ['cancel', 'Cancelled'],
];
const SALE_STATES: Array<[string, string]> = SALE_STATES_16.filter(([key]) => key !== 'done');

export function versionProfile(major: OdooVersion): VersionProfile {
  return {
    major,
    serverVersion: `${major}.0`,
    versionInfo: [major, 0, 0, 'final', 0, ''],
    json2: major >= 19,
    checkAccessRights: major <= 18,
    hasAccess: major >= 18,
    nameGet: major <= 17,
    pickingMovesField: major === 16 ? 'move_lines' : 'move_ids',
    moveQuantityField: major === 16 ? 'quantity_done' : 'quantity',
    legacySearchArgs: major === 16,
    userGroupsField: major >= 19 ? 'group_ids' : 'groups_id',
    debugLast: major >= 19,
    omitNoneResult: major <= 18,
    upperReasons: major <= 18,
    saleOrderStates: major === 16 ? SALE_STATES_16 : SALE_STATES,
  };
}

export function isOdooVersion(value: unknown): value is OdooVersion {
  return value === 16 || value === 17 || value === 18 || value === 19;
}
