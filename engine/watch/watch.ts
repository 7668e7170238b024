/**
 * `ferry run --watch`: chokidar events are collapsed into one reload per burst (editors save through
 * rename, and ten quick saves should cost one reload); the reloader skips unchanged content by hash.
 * Besides the config folder, files the config references from elsewhere (a shared schema folder)
 * are watched too, and that set follows the config as it changes.
 */
import { basename, isAbsolute, relative } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface Watcher {
  /** Resolves once the first scan is done: every edit from then on is seen. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Quiet time after the last event before reloading. @default 300 */
  debounceMs?: number;
  /** A burst that never goes quiet still reloads this often. @default 2000 */
  maxWaitMs?: number;
  /** The files the running config is made of; those outside the folder are watched as well. */
  files?: () => readonly string[];
}

/** Dot folders and files (the default store lives in .ferry/), dependencies, and SQLite files. */
const IGNORED = /(^|[/\\])(\.|node_modules([/\\]|$))|\.(db|sqlite3?)(-wal|-shm|-journal)?$/;

export function watchConfig(root: string, onChange: () => void, options: WatchOptions = {}): Watcher {
  const { debounceMs = 300, maxWaitMs = 2000 } = options;
  const isOutside = (path: string) => {
    const rel = relative(root, path);
    return rel.startsWith('..') || isAbsolute(rel);
  };
  const outside = () => (options.files?.() ?? []).filter(isOutside);
  let timer: NodeJS.Timeout | undefined;
  let burstStarted: number | undefined;
  const watcher: FSWatcher = watch([root, ...outside()], {
    ignoreInitial: true,
    ignored: (path) => IGNORED.test(isOutside(path) ? basename(path) : relative(root, path)),
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
  });
  const fire = () => {
    timer = undefined;
    burstStarted = undefined;
    onChange();
    const more = outside();
    if (more.length > 0) watcher.add(more);
  };
  watcher.on('all', () => {
    const now = Date.now();
    burstStarted ??= now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, burstStarted + maxWaitMs - now)));
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
