/**
 * `ferry run --watch`: chokidar events are collapsed into one reload per burst (editors save through
 * rename, and ten quick saves should cost one reload); the reloader skips unchanged content by hash.
 */
import { watch, type FSWatcher } from 'chokidar';

export interface Watcher {
  close(): Promise<void>;
}

export function watchConfig(root: string, onChange: () => void, debounceMs = 300): Watcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (path) => /(^|[/\\])(\.|node_modules)/.test(path.slice(root.length)),
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
  });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
