/**
 * `ferry run` in a terminal: one compact line per flow, redrawn in place every second. Off a terminal
 * (a service, CI) the JSON logs say it all and this stays silent.
 */
import type { Engine } from '../runtime/engine.js';
import type { Store } from '../store/port.js';

export interface LiveStatus {
  stop(): void;
}

export function startLiveStatus(engine: Engine, store: Store, stream: NodeJS.WriteStream): LiveStatus {
  if (!stream.isTTY) return { stop: () => undefined };
  let drawn = 0;
  const draw = async () => {
    const lines: string[] = [];
    for (const [name, stats] of engine.stats) {
      if (!engine.currentConfig.flows.has(name)) continue;
      const counts = await store.counts(name);
      lines.push(
        `${name.padEnd(24)} queued ${String(counts.queued + counts.leased).padStart(6)}  delivered ${String(counts.delivered).padStart(7)}  retries ${String(stats.retrying).padStart(5)}  dead ${String(counts.dead).padStart(5)}${stats.paused ? '  PAUSED' : ''}`,
      );
    }
    // Move up over the previous drawing and overwrite it.
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    stream.write(lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
  };
  const timer = setInterval(() => void draw().catch(() => undefined), 1000);
  return { stop: () => clearInterval(timer) };
}
