/**
 * Ferry running a temp project against the Odoo and 3PL simulators on a temp SQLite store, for the
 * watch and cutover tests to edit, feed and observe. Two ways to run it: in this process (the engine,
 * a real chokidar watcher and the Reloader wired as `ferry run --watch` wires them), or the real
 * `ferry run` as a child process. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { startOdooSimulator, type OdooSimulator } from '../sandbox/odoo/simulator.js';
import { startThreePlSimulator, type ThreePlSimulator } from '../sandbox/threepl/simulator.js';
import { loadConfig } from '../engine/config/load.js';
import { Engine } from '../engine/runtime/engine.js';
import { openSqliteStore, type SqliteStore } from '../engine/store/sqlite.js';
import type { StatusCounts } from '../engine/store/port.js';
import { SecretResolver, defaultSecretProviders } from '../engine/secrets/resolver.js';
import { createLogger, setRootLogger } from '../engine/log/logger.js';
import { defaultRegistry } from '../connectors/defaults.js';
import { Reloader, type ReloadResult } from '../engine/watch/reloader.js';
import { watchConfig, type Watcher } from '../engine/watch/watch.js';
import { CONNECTIONS, writeProject } from './helpers/project.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVICE_KEY = 'svc-3pl-watch-key-0001';
/** The 3PL token the project's connection sends; a second 3PL simulator needs it too. */
export const THREEPL_TOKEN = 'watch-3pl-token-0001';

const CONTRACT = JSON.stringify({
  type: 'object',
  required: ['version', 'ref'],
  properties: { version: { type: 'string' }, ref: { type: 'string' } },
});

/**
 * A flow over partners named `<prefix>-…`, posting `{ version, ref }` to /v1/<flow name>; `extra`
 * is appended (e.g. a `delivery:` block).
 */
export function partnerFlow(name: string, prefix: string, version = 'v1', extra = ''): string {
  return `kind: Flow
name: ${name}
source:
  connection: odoo
  model: res.partner
  mode: create
  trigger: { poll: { every: 100ms } }
  domain: [[name, "=like", "${prefix}-%"]]
  fields: [name]
  record_name: name
payload:
  version: ${version}
  versions:
    v1: { schema: contract.json, transform: '{ "version": "v1", "ref": name }' }
    v2: { schema: contract.json, transform: '{ "version": "v2", "ref": name }' }
target: { connection: threepl, request: { method: POST, path: /v1/${name} } }
dead_letter: { odoo: { chatter: false } }
${extra}`;
}

export interface Sent {
  ref: string;
  version: string;
  key: string;
}

interface Systems {
  odoo: OdooSimulator;
  threepl: ThreePlSimulator;
  dir: string;
  storeFile: string;
  env: NodeJS.ProcessEnv;
}

async function startSystems(files: Record<string, string>): Promise<Systems> {
  const odoo = await startOdooSimulator({ seed: { serviceApiKey: SERVICE_KEY } });
  const threepl = await startThreePlSimulator({ token: THREEPL_TOKEN });
  const connections = CONNECTIONS.replace('http://127.0.0.1:8069', odoo.url).replace(
    'http://127.0.0.1:8080',
    threepl.url,
  );
  const dir = writeProject({ 'connections.yaml': connections, 'contract.json': CONTRACT, ...files });
  const storeFile = join(mkdtempSync(join(tmpdir(), 'ferry-watch-')), 'state.db');
  return { odoo, threepl, dir, storeFile, env: { ODOO_API_KEY: SERVICE_KEY, THREEPL_TOKEN } };
}

abstract class RunningFerry {
  constructor(protected readonly systems: Systems) {}

  get odoo(): OdooSimulator {
    return this.systems.odoo;
  }

  get threepl(): ThreePlSimulator {
    return this.systems.threepl;
  }

  read(name: string): string {
    return readFileSync(join(this.systems.dir, name), 'utf8');
  }

  /** Writes (or, with undefined, removes) a project file. */
  write(name: string, text: string | undefined): void {
    if (text === undefined) rmSync(join(this.systems.dir, name));
    else writeFileSync(join(this.systems.dir, name), text);
  }

  /** Creates partners `<prefix>-<n>` for n in from … from + count - 1, in one Odoo transaction. */
  createPartners(prefix: string, from: number, count: number): string[] {
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(from + i).padStart(3, '0')}`);
    this.odoo.db.createMany(
      'res.partner',
      names.map((name) => ({ name })),
    );
    return names;
  }

  /** What the 3PL received for a flow, in arrival order, faulted requests included. */
  sent(flow: string): Sent[] {
    return this.threepl.received
      .filter((r) => r.path === `/v1/${flow}`)
      .map((r) => {
        const body = JSON.parse(r.body) as { ref: string; version: string };
        return { ref: body.ref, version: body.version, key: String(r.headers['idempotency-key']) };
      });
  }

  abstract counts(flow: string): Promise<StatusCounts>;

  /** Why the process might have stopped waiting; shown when a wait gives up. */
  protected abstract lastWords(): string;

  protected abstract get stopped(): boolean;

  /** Polls `check` every 25 ms until it holds; gives up after `ms` with `what` and the last log lines. */
  async waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (this.stopped || Date.now() > deadline)
        throw new Error(`gave up waiting for ${what}; ferry said:\n${this.lastWords()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  protected async closeSystems(): Promise<void> {
    await this.threepl.close();
    await this.odoo.close();
  }
}

/** Log lines captured as objects, for assertions on what an operator would read. */
class CapturedLog {
  readonly lines: Record<string, unknown>[] = [];

  install(): void {
    setRootLogger(
      createLogger(
        new Writable({
          write: (chunk: Buffer, _enc, done) => {
            this.lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
            done();
          },
        }),
        'info',
      ),
    );
  }

  messages(msg: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === msg);
  }
}

/** The engine in this process, with the watcher and Reloader wired as `ferry run --watch` wires them. */
export class InProcessFerry extends RunningFerry {
  readonly log = new CapturedLog();
  private closed = false;

  private constructor(
    systems: Systems,
    readonly engine: Engine,
    readonly reloader: Reloader,
    /** What each reload the watcher triggered returned, in order. */
    readonly reloads: ReloadResult[],
    readonly store: SqliteStore,
    private readonly watcher: Watcher,
  ) {
    super(systems);
  }

  static async start(files: Record<string, string>): Promise<InProcessFerry> {
    const systems = await startSystems(files);
    const { dir, env } = systems;
    const store = openSqliteStore(systems.storeFile);
    const engine = new Engine(loadConfig(dir, { env }), {
      store,
      registry: defaultRegistry(),
      secrets: new SecretResolver(defaultSecretProviders(dir, env)),
      concurrency: 4,
    });
    const reloader = new Reloader(
      dir,
      () => engine.currentConfig,
      (next) => engine.swap(next),
      { env },
    );
    const reloads: ReloadResult[] = [];
    const watcher = watchConfig(dir, () => reloads.push(reloader.reload()), {
      files: () => engine.currentConfig.files,
    });
    await watcher.ready;
    const ferry = new InProcessFerry(systems, engine, reloader, reloads, store, watcher);
    ferry.log.install();
    engine.start();
    return ferry;
  }

  /** Every error of every rejected reload, formatted as the CLI prints them (file:line:col first). */
  errorLines(): string[] {
    return this.reloads.flatMap((r) => r.errors.map((e) => e.format()));
  }

  counts(flow: string): Promise<StatusCounts> {
    return this.store.counts(flow);
  }

  protected lastWords(): string {
    return this.log.lines
      .slice(-10)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  protected get stopped(): boolean {
    return this.closed;
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.watcher.close();
    await this.engine.stop();
    await this.store.close();
    await this.closeSystems();
    setRootLogger(createLogger());
  }
}

/** The real `ferry run <project> --store sqlite:<tmp> …` as a child process. */
export class ChildFerry extends RunningFerry {
  readonly stderr: string[] = [];
  private exited = false;

  private constructor(
    systems: Systems,
    private readonly child: ChildProcess,
  ) {
    super(systems);
    let partial = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      this.stderr.push(...lines);
    });
    child.stdout!.resume();
    child.once('exit', () => (this.exited = true));
  }

  /** Starts the simulators and `ferry run`; resolves once the engine runs. */
  static async start(files: Record<string, string>, args: string[]): Promise<ChildFerry> {
    const systems = await startSystems(files);
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'ferry.js'), 'run', systems.dir, '--store', `sqlite:${systems.storeFile}`, ...args],
      {
        cwd: systems.dir,
        env: { PATH: process.env.PATH, FERRY_LOG_LEVEL: 'info', ...systems.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const ferry = new ChildFerry(systems, child);
    await ferry.waitFor(() => ferry.logged('ferry running').length > 0, 'ferry running', 20_000);
    return ferry;
  }

  /** Log lines (JSON) whose message is `msg`. */
  logged(msg: string): Record<string, unknown>[] {
    return this.stderr
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === msg);
  }

  /** Plain (non-JSON) stderr lines containing `text`: what `ferry run` prints for people. */
  said(text: string): string[] {
    return this.stderr.filter((line) => !line.startsWith('{') && line.includes(text));
  }

  /** Sends SIGHUP: `ferry run` reloads its config as on a file change. */
  hangUp(): void {
    this.child.kill('SIGHUP');
  }

  async counts(flow: string): Promise<StatusCounts> {
    const store = openSqliteStore(this.systems.storeFile);
    try {
      return await store.counts(flow);
    } finally {
      await store.close();
    }
  }

  protected lastWords(): string {
    return this.stderr.slice(-10).join('\n');
  }

  protected get stopped(): boolean {
    return this.exited;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    await this.closeSystems();
  }
}
