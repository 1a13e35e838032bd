import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import { dockerfileProblems } from './dockerfile-checks.js';

/** True when a Docker engine answers (the CLI alone is not enough). */
function dockerAvailable(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

const docker = (...args: string[]) => execFileSync('docker', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

async function until<T>(read: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('the Docker image', () => {
  // Where an engine runs (CI), the image is built and started for real; elsewhere the static
  // checks are what can be proved, and they must hold.
  it('builds, runs as non-root with /data, answers /discover.json and turns healthy (static checks without Docker)', async () => {
    expect(dockerfileProblems()).toEqual([]);
    if (!dockerAvailable()) {
      console.info('no Docker engine: the Dockerfile was checked statically only');
      return;
    }
    const tag = `tunerbridge-test:${randomUUID().slice(0, 8)}`;
    docker('build', '-t', tag, '.');
    let container: string | undefined;
    try {
      // A bridge network with a published port: the test's request comes from the bridge (172.16/12, allowed).
      const id = docker('run', '-d', '-p', '127.0.0.1::5004', tag, 'node', 'dist/main.js', 'serve', '--no-discovery');
      container = id;
      expect(docker('exec', id, 'id', '-u')).not.toBe('0');
      expect(docker('exec', id, 'printenv', 'TUNERBRIDGE_DATA_DIR')).toBe('/data');
      const port = docker('port', id, '5004/tcp').split('\n')[0]!.split(':').at(-1);
      const discover = await until(
        () => {
          const res = spawnSync(
            'node',
            [
              '-e',
              `fetch('http://127.0.0.1:${port}/discover.json').then(async (r) => console.log(r.status, await r.text()))`,
            ],
            {
              encoding: 'utf8',
            },
          );
          return res.stdout.startsWith('200 ') ? res.stdout : undefined;
        },
        60_000,
        'the server in the id',
      );
      expect(JSON.parse(discover.slice(4))).toMatchObject({ FriendlyName: 'Tunerbridge' });
      expect(docker('exec', id, 'ls', '/data')).toContain('tunerbridge.db');
      await until(
        () => (docker('inspect', '-f', '{{.State.Health.Status}}', id) === 'healthy' ? true : undefined),
        120_000,
        'the health check',
      );
    } finally {
      if (container) docker('rm', '-f', '-v', container);
      docker('rmi', tag);
    }
  }, 900_000);
});
