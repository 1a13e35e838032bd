import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import { parseUnit, unitEnvironment, unitPath, unitProblems, unitValue } from './systemd-unit-checks.js';

const text = readFileSync(unitPath, 'utf8');

/** The real unit with one thing changed; fails when `from` is not in it (the case would prove nothing). */
function changed(from: string | RegExp, to: string): string {
  const result = text.replace(from, to);
  expect(result).not.toBe(text);
  return result;
}

describe('contrib/tunerbridge.service', () => {
  it('runs the installed build as its own user, in its state dir, hardened, restarted on failure', () => {
    expect(unitProblems()).toEqual([]);
    const unit = parseUnit(text);
    expect(unitValue(unit, 'Service', 'ExecStart')).toBe('/usr/bin/node /opt/tunerbridge/dist/main.js serve');
    expect(unitEnvironment(unit).get('TUNERBRIDGE_DATA_DIR')).toBe('/var/lib/tunerbridge');
    expect(unitValue(unit, 'Service', 'User')).toBe('tunerbridge');
  });

  it('the checks find each kind of mistake', () => {
    const cases: [string, string][] = [
      [changed('User=tunerbridge', 'User=root'), 'a dedicated User= (not root) expected'],
      [changed('ProtectSystem=strict', 'ProtectSystem=full'), 'ProtectSystem=strict expected, found full'],
      [changed('NoNewPrivileges=yes\n', ''), 'NoNewPrivileges=yes expected, found nothing'],
      [changed('Restart=on-failure', 'Restart=no'), 'Restart=on-failure expected, found no'],
      [
        changed('TUNERBRIDGE_DATA_DIR=/var/lib/tunerbridge', 'TUNERBRIDGE_DATA_DIR=/srv/tb'),
        'Environment=TUNERBRIDGE_DATA_DIR=/var/lib/tunerbridge expected, found /srv/tb',
      ],
      [
        changed('ReadWritePaths=/var/lib/tunerbridge', 'ReadWritePaths=/tmp'),
        'ReadWritePaths=/var/lib/tunerbridge expected',
      ],
      [
        changed('dist/main.js serve', 'dist/app.js serve'),
        'ExecStart must run /opt/tunerbridge/dist/main.js, found /opt/tunerbridge/dist/app.js',
      ],
      [changed('main.js serve', 'main.js serve --no-such-flag'), 'ExecStart flags refused by the CLI'],
      [
        changed('# No MemoryDenyWriteExecute', 'MemoryDenyWriteExecute=yes\n#'),
        "MemoryDenyWriteExecute=yes breaks V8's JIT",
      ],
    ];
    for (const [unit, problem] of cases)
      expect(
        unitProblems(unit).some((p) => p.startsWith(problem)),
        problem,
      ).toBe(true);
  });

  it("is installed the way the README's steps say: the user, the install dir, the unit, the data dir", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### systemd'), readme.indexOf('### Prometheus'));
    const unit = parseUnit(text);
    const user = unitValue(unit, 'Service', 'User')!;
    const installDir = unitValue(unit, 'Service', 'WorkingDirectory')!;
    const dataDir = unitEnvironment(unit).get('TUNERBRIDGE_DATA_DIR')!;
    expect(section).toContain(`useradd --system --home-dir ${dataDir} --shell /usr/sbin/nologin ${user}`);
    expect(section).toContain(`git clone <this repository> ${installDir}`);
    expect(section).toContain(`cd ${installDir} && sudo npm ci && sudo npm run build`);
    expect(section).toContain('sudo cp contrib/tunerbridge.service /etc/systemd/system/');
    expect(section).toContain('sudo systemctl enable --now tunerbridge');
    expect(section).toContain(`\`${unitValue(unit, 'Service', 'ExecStart')}\``);
    expect(section).toContain(`sudo -u ${user} node ${installDir}/dist/main.js set-password --data-dir ${dataDir}`);
  });

  it('parses repeated keys, continuations and comments', () => {
    const unit = parseUnit(
      ['# c', '[Service]', '; c', 'Environment=A=1', 'Environment=B=2 \\', '  3', 'X='].join('\n'),
    );
    expect(unit.get('Service')?.get('Environment')).toEqual(['A=1', 'B=2 3']);
    expect(unitValue(unit, 'Service', 'X')).toBe('');
    expect(() => parseUnit('Key=before any section')).toThrow(/not Key=value in a section/);
  });
});
