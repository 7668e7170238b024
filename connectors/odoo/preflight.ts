/**
 * Checks an Odoo connection before any flow runs on it (`ferry run`, `ferry doctor`): the login
 * works; it is not an administrator (least privilege, unless the connection allows it, then with a
 * warning); it has every right each flow needs; and every field a flow names exists on this Odoo,
 * with a suggestion for fields renamed across versions. Everything found is reported at once.
 */
import type { FlowConfig, OdooConnectionConfig } from '../../engine/config/compiled.js';
import { closest } from '../../engine/config/did-you-mean.js';
import { FerryError, isFerryError } from '../../engine/errors.js';
import type { OdooClient } from './client/client.js';
import { renamedField, type AccessOperation } from './client/versions.js';
import { FieldCatalog } from './fields.js';

const ADMIN_GROUPS = ['base.group_system', 'base.group_erp_manager'];
/** uid 1 is the superuser (__system__), uid 2 the `admin` user of every new database. */
const ADMIN_UIDS = [1, 2];

export interface PreflightRow {
  /** The flow the check is for; undefined for connection-wide checks. */
  flow?: string;
  check: 'login' | 'admin' | 'rights' | 'field';
  /** What was checked: "read stock.picking", "stock.move.quantity". */
  subject: string;
  status: 'ok' | 'warning' | 'missing';
  detail?: string;
}

export interface PreflightReport {
  connection: string;
  login: string;
  uid?: number;
  serverVersion?: number;
  rows: PreflightRow[];
  /** One FerryError per problem that stops flows from running; empty when all is well. */
  problems: FerryError[];
}

export async function preflight(
  client: OdooClient,
  connection: OdooConnectionConfig,
  flows: readonly FlowConfig[],
  catalog: FieldCatalog = new FieldCatalog(client),
): Promise<PreflightReport> {
  const report: PreflightReport = {
    connection: connection.name,
    login: connection.login,
    rows: [],
    problems: [],
  };
  try {
    report.uid = await client.authenticate();
    report.serverVersion = await client.serverVersion();
  } catch (err) {
    if (!isFerryError(err)) throw err;
    report.rows.push({ check: 'login', subject: connection.login, status: 'missing', detail: err.message });
    report.problems.push(err);
    return report;
  }
  report.rows.push({ check: 'login', subject: connection.login, status: 'ok', detail: `uid ${report.uid}` });
  if (!(await checkNotAdmin(client, connection, report.uid, report))) return report;
  const checker = new FlowChecker(client, catalog, report.serverVersion, report);
  for (const flow of flows) {
    if (flow.source.connection === connection.name) await checker.check(flow);
  }
  return report;
}

/** Throws the report's first problem (with the others counted in the message), for `ferry run`. */
export function assertPreflight(report: PreflightReport): void {
  const [first, ...rest] = report.problems;
  if (!first) return;
  if (rest.length === 0) throw first;
  throw new FerryError(
    first.code,
    `${first.message} (and ${rest.length} more problem(s); run ferry doctor)`,
    {
      context: first.context,
      hint: first.hint,
      cause: first,
    },
  );
}

async function checkNotAdmin(
  client: OdooClient,
  connection: OdooConnectionConfig,
  uid: number,
  report: PreflightReport,
): Promise<boolean> {
  const adminGroups: string[] = [];
  for (const group of ADMIN_GROUPS) if (await hasGroup(client, uid, group)) adminGroups.push(group);
  if (!ADMIN_UIDS.includes(uid) && adminGroups.length === 0) {
    report.rows.push({
      check: 'admin',
      subject: connection.login,
      status: 'ok',
      detail: 'not an administrator',
    });
    return true;
  }
  const why = adminGroups.length > 0 ? `member of ${adminGroups.join(', ')}` : `uid ${uid} is a superuser`;
  if (connection.allowAdmin) {
    report.rows.push({
      check: 'admin',
      subject: connection.login,
      status: 'warning',
      detail: `administrator (${why}), allowed by allow_admin`,
    });
    return true;
  }
  report.rows.push({
    check: 'admin',
    subject: connection.login,
    status: 'missing',
    detail: `administrator (${why})`,
  });
  report.problems.push(
    new FerryError(
      'FERRY_ODOO_ADMIN_REFUSED',
      `the Odoo login "${connection.login}" is an administrator (${why})`,
      {
        context: { connection: connection.name, login: connection.login, uid },
        hint: 'use a service account with only the groups the flows need, or set allow_admin: true on the connection',
      },
    ),
  );
  return false;
}

/** Whether the login is in `group` (implied groups included): a call any user may make. */
async function hasGroup(client: OdooClient, uid: number, group: string): Promise<boolean> {
  return (await client.executeKw('res.users', 'has_group', [[uid], group])) === true;
}

/** The rights and fields of one flow; access answers are shared between flows. */
class FlowChecker {
  private readonly access = new Map<string, Promise<boolean>>();

  constructor(
    private readonly client: OdooClient,
    private readonly catalog: FieldCatalog,
    private readonly version: number,
    private readonly report: PreflightReport,
  ) {}

  async check(flow: FlowConfig): Promise<void> {
    const { model, fields, expand, domain, recordName } = flow.source;
    const modelFields = await this.fieldsOf(flow, model);
    if (!modelFields) return;
    const needs: [string, AccessOperation, string][] = [[model, 'read', 'the source model']];
    const sourceFields = [
      ...fields,
      recordName,
      ...domainFieldPaths(domain).map((path) => path.split('.')[0] as string),
    ];
    if (flow.writeBack.size > 0) needs.push([model, 'write', 'write-back']);
    sourceFields.push(...flow.writeBack.keys());
    for (const field of new Set(sourceFields)) this.checkField(flow, model, field, modelFields);
    for (const [path, { fields: expanded }] of Object.entries(expand)) {
      const comodel = await this.comodelOf(flow, model, path);
      if (!comodel) continue;
      needs.push([comodel, 'read', `expand ${path}`]);
      const comodelFields = await this.fieldsOf(flow, comodel);
      if (comodelFields) for (const field of expanded) this.checkField(flow, comodel, field, comodelFields);
    }
    if (flow.deadLetter.chatter) {
      // message_post needs write on the record (Odoo's default post access) and create on messages.
      needs.push([model, 'write', 'chatter notes'], ['mail.message', 'create', 'chatter notes']);
      if (flow.deadLetter.activity) needs.push(['mail.activity', 'create', 'dead-letter activities']);
    }
    const seen = new Set<string>();
    for (const [needModel, operation, reason] of needs) {
      const key = `${operation} ${needModel}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await this.checkRight(flow, needModel, operation, reason);
    }
  }

  private async checkRight(
    flow: FlowConfig,
    model: string,
    operation: AccessOperation,
    reason: string,
  ): Promise<void> {
    const key = `${model}:${operation}`;
    let pending = this.access.get(key);
    if (!pending) this.access.set(key, (pending = this.client.checkAccess(model, operation)));
    const subject = `${operation} ${model}`;
    if (await pending) {
      this.report.rows.push({ flow: flow.name, check: 'rights', subject, status: 'ok', detail: reason });
      return;
    }
    this.report.rows.push({ flow: flow.name, check: 'rights', subject, status: 'missing', detail: reason });
    this.report.problems.push(
      new FerryError(
        'FERRY_ODOO_RIGHTS_MISSING',
        `the service account may not ${operation} ${model} (${reason})`,
        {
          context: { flow: flow.name, model, operation },
          hint: `grant the service account a group that allows ${operation} on ${model}`,
        },
      ),
    );
  }

  private checkField(
    flow: FlowConfig,
    model: string,
    field: string,
    known: ReadonlyMap<string, unknown>,
  ): void {
    if (field === 'id' || known.has(field)) return;
    const suggestion = renamedField(model, field, this.version) ?? closest(field, known.keys());
    const hint = suggestion ? `did you mean "${suggestion}"?` : undefined;
    this.report.rows.push({
      flow: flow.name,
      check: 'field',
      subject: `${model}.${field}`,
      status: 'missing',
      detail: hint ?? 'no such field',
    });
    this.report.problems.push(
      new FerryError('FERRY_ODOO_UNKNOWN_FIELD', `${model} has no field "${field}" on Odoo ${this.version}`, {
        context: { flow: flow.name, model, field },
        ...(hint ? { hint } : {}),
      }),
    );
  }

  /** The comodel an expand path ends on, walking relation by relation; undefined after a reported miss. */
  private async comodelOf(flow: FlowConfig, model: string, path: string): Promise<string | undefined> {
    let current = model;
    for (const segment of path.split('.')) {
      const known = await this.fieldsOf(flow, current);
      if (!known) return undefined;
      const info = known.get(segment);
      if (!info?.relation) {
        if (!info) this.checkField(flow, current, segment, known);
        else this.fieldProblem(flow, current, segment, `${info.type} field, not a relation`);
        return undefined;
      }
      current = info.relation;
    }
    return current;
  }

  private fieldProblem(flow: FlowConfig, model: string, field: string, detail: string): void {
    this.report.rows.push({
      flow: flow.name,
      check: 'field',
      subject: `${model}.${field}`,
      status: 'missing',
      detail,
    });
    this.report.problems.push(
      new FerryError('FERRY_ODOO_UNKNOWN_FIELD', `${model}.${field} cannot be expanded: ${detail}`, {
        context: { flow: flow.name, model, field },
      }),
    );
  }

  /** fields_get of a model; a model the account cannot see is reported as a missing read right. */
  private async fieldsOf(flow: FlowConfig, model: string) {
    try {
      return await this.catalog.fields(model);
    } catch (err) {
      if (!isFerryError(err) || err.retryable) throw err;
      if (err.code === 'FERRY_ODOO_ACCESS_ERROR') {
        await this.checkRight(flow, model, 'read', 'fields_get');
        return undefined;
      }
      this.report.rows.push({
        flow: flow.name,
        check: 'field',
        subject: model,
        status: 'missing',
        detail: err.message,
      });
      this.report.problems.push(err);
      return undefined;
    }
  }
}

/** Field paths a domain filters on: the first item of each `[field, operator, value]` term. */
function domainFieldPaths(domain: readonly unknown[]): string[] {
  return domain
    .filter((term): term is unknown[] => Array.isArray(term) && term.length === 3)
    .map((term) => term[0])
    .filter((path): path is string => typeof path === 'string');
}
