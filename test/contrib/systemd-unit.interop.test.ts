import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';
import { unitPath, unitProblems } from './systemd-unit-checks.js';

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;

describe('contrib/tunerbridge.service with systemd', () => {
  // systemd-analyze where it exists (Debian, Ubuntu, Fedora…); the static checks hold either way.
  it('passes systemd-analyze verify, and its security review rates it OK (static checks without systemd)', () => {
    expect(unitProblems()).toEqual([]);
    if (!hasSystemdAnalyze) {
      console.info('no systemd-analyze: the unit was checked statically only');
      return;
    }
    // verify checks that ExecStart's program exists: this machine's node stands in for /usr/bin/node.
    const temp = makeTempDir();
    try {
      const unit = join(temp.path, 'tunerbridge.service');
      writeFileSync(
        unit,
        readFileSync(unitPath, 'utf8').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `),
      );
      const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', unit], {
        encoding: 'utf8',
      });
      const exposure = /Overall exposure level for tunerbridge\.service: ([\d.]+)/.exec(security.stdout);
      expect(exposure, security.stdout + security.stderr).not.toBeNull();
      // systemd rates ≤ 4.9 "OK" (lower is better; an unhardened service is 9.6 "UNSAFE").
      expect(Number(exposure![1])).toBeLessThanOrEqual(4.9);
    } finally {
      temp.remove();
    }
  });
});
