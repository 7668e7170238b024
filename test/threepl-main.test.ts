import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';

let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  child = undefined;
});

/** Starts the simulator as its own process and returns the URL it prints. */
async function startProcess(args: string[]): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/threepl/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) return url;
  }
  throw new Error(`the simulator exited without a URL: ${output}`);
}

describe('3PL simulator as a process', () => {
  it('serves with the given token and is driven through the control API', async () => {
    const url = await startProcess(['--port', '0', '--token', 'proc-token-1']);
    const post = (key: string) =>
      request(`${url}/v2/shipments`, {
        method: 'POST',
        headers: { authorization: 'Bearer proc-token-1', 'idempotency-key': key },
        body: '{"order_ref":"SO-1"}',
      }).then(async (res) => ({ status: res.statusCode, text: await res.body.text() }));

    await request(`${url}/_control/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ kind: 'rate_limit', count: 1, retryAfterSeconds: 2 }] }),
    }).then((res) => res.body.dump());
    expect((await post('k1')).status).toBe(429);
    expect((await post('k1')).status).toBe(201);
    expect((await post('k1')).status).toBe(201);

    const effects = await request(`${url}/_control/effects`).then((res) => res.body.json());
    expect(effects).toEqual({ k1: 1 });
    const received = (await request(`${url}/_control/received`).then((res) => res.body.json())) as unknown[];
    expect(received).toHaveLength(3);
  });

  it('refuses a malformed option with a clear message', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/threepl/main.ts', '--basic', 'nocolon'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--basic expects');
  });
});
