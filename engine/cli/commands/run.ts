import type { Command } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { configDir } from '../paths.js';
import { storeUrl } from '../store-url.js';
import { startEngine } from '../../runtime/start.js';
import { Reloader } from '../../watch/reloader.js';
import { watchConfig, type Watcher } from '../../watch/watch.js';
import { log } from '../../log/logger.js';
import { reportError } from '../report.js';
import { startLiveStatus } from '../live-status.js';
import { createLogger, setRootLogger } from '../../log/logger.js';
import { FerryErrors } from '../../errors.js';
import { hasWebhooks, startWebhookServer, type WebhookServer } from '../../runtime/webhook-server.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run every flow: poll sources, deliver, retry, dead-letter, write back.',
  usage: 'ferry run [dir] [--once] [--watch] [--store URL] [--concurrency N] [--webhook-port N]',
  options: {
    once: { type: 'boolean' },
    watch: { type: 'boolean' },
    store: { type: 'string' },
    concurrency: { type: 'string' },
    'webhook-port': { type: 'string' },
  },
  async run({ positionals, values }, io) {
    const dir = configDir(positionals[0], io.cwd);
    const config = loadConfig(dir, { env: io.env });
    const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
    const started = await startEngine(config, {
      storeUrl: storeUrl(values, io.env),
      env: io.env,
      concurrency,
    });
    const { engine, store } = started;

    if (values.once) {
      const { failedPolls } = await engine.runOnce();
      const counts = await store.counts();
      await started.close();
      io.out(`delivered ${counts.delivered}, dead ${counts.dead}, pending ${counts.queued + counts.leased}`);
      // A source that could not be read is not "nothing to do": cron and CI must see it.
      for (const [flow, err] of failedPolls)
        io.err(`flow ${flow}: could not read its source: ${err.message}`);
      return failedPolls.size === 0 ? 0 : 1;
    }

    const reloader = new Reloader(
      dir,
      () => engine.currentConfig,
      (next) => engine.swap(next),
      { env: io.env },
    );
    const reload = () => {
      const result = reloader.reload();
      if (result.status === 'rejected') {
        reportError(new FerryErrors(result.errors), io);
        io.err('still running the previous configuration');
      } else if (result.status === 'applied') {
        io.err(`reloaded: config ${result.hash.slice(0, 12)}`);
      }
    };
    let watcher: Watcher | undefined;
    // Also watch contracts and transforms that live outside the flow folder.
    if (values.watch) watcher = watchConfig(dir, reload, { files: () => engine.currentConfig.files });
    process.on('SIGHUP', reload);

    let webhooks: WebhookServer | undefined;
    if (hasWebhooks(config)) {
      const port = Number(values['webhook-port'] ?? io.env.FERRY_WEBHOOK_PORT ?? 8787);
      webhooks = await startWebhookServer(engine, started.secrets, {
        host: io.env.FERRY_WEBHOOK_HOST ?? '127.0.0.1',
        port,
      });
      io.err(`webhooks listening on ${webhooks.url}`);
    }
    // In a terminal the live status is the normal view; logs keep to warnings unless asked.
    if (process.stderr.isTTY && !io.env.FERRY_LOG_LEVEL) setRootLogger(createLogger(undefined, 'warn'));
    engine.start();
    const status = startLiveStatus(engine, store, process.stderr);
    log().info({ flows: [...config.flows.keys()], hash: config.hash }, 'ferry running');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    status.stop();
    await watcher?.close();
    await webhooks?.close();
    await started.close();
    return 0;
  },
};
