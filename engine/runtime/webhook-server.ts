/**
 * The HTTP listener for flows triggered by Odoo's "Send Webhook Notification": each post is a hint to
 * re-read a record, answered at once (Odoo waits 1 s and never retries); the poll stays the safety net.
 * Routes follow the engine's current config, so a reload adds or removes them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CompiledConfig } from '../config/compiled.js';
import type { SecretResolver } from '../secrets/resolver.js';
import { log } from '../log/logger.js';
import { redact } from '../log/redact.js';
import { createWebhookHandler } from '../../connectors/odoo/webhook.js';
import type { Engine } from './engine.js';

export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

/** Long enough for the transaction that sent the hint to commit. */
const HINT_DELAY_MS = 1500;

export function hasWebhooks(config: CompiledConfig): boolean {
  return [...config.flows.values()].some((f) => f.source.trigger.kind === 'webhook');
}

export async function startWebhookServer(
  engine: Engine,
  secrets: SecretResolver,
  listen: { host: string; port: number },
): Promise<WebhookServer> {
  let builtFor: string | undefined;
  let handler: ReturnType<typeof createWebhookHandler> | undefined;
  const current = () => {
    const config = engine.currentConfig;
    if (builtFor !== config.hash || !handler) {
      const routes = [...config.flows.values()].flatMap((flow) =>
        flow.source.trigger.kind === 'webhook'
          ? [
              {
                path: flow.source.trigger.path,
                token: secrets.handle(flow.source.trigger.token),
                model: flow.source.model,
                onHint: (ids: number[]) => {
                  // Odoo posts before its transaction commits: read a moment later, not at once.
                  setTimeout(() => void hintLater(), HINT_DELAY_MS);
                  const hintLater = () =>
                    engine.hint(flow.name, ids).catch((err: unknown) => {
                      log().warn(
                        { flow: flow.name, ids, err: redact((err as Error).message) },
                        'webhook hint failed; the poll will pick it up',
                      );
                    });
                  return Promise.resolve();
                },
              },
            ]
          : [],
      );
      handler = createWebhookHandler(routes);
      builtFor = config.hash;
    }
    return handler;
  };
  const server: Server = createServer((req, res) => void current()(req, res));
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
