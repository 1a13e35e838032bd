import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../src/cli.js';
import { repoRoot } from '../support/paths.js';

/** A unit file: section → key → every value given (Environment= may repeat), continuations joined. */
export type UnitFile = Map<string, Map<string, string[]>>;

export const unitPath = join(repoRoot, 'contrib', 'tunerbridge.service');

/** Parses systemd's INI dialect (comments with # or ;, `[Section]`, `Key=value`). */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1).trimEnd() + ' ' + lines[++i]!.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`line ${i + 1}: not Key=value in a section: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** The last value of `key` in `section` (systemd's rule for single-valued settings). */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** `Environment=` assignments of [Service], as a map. */
export function unitEnvironment(unit: UnitFile): Map<string, string> {
  const env = new Map<string, string>();
  for (const value of unit.get('Service')?.get('Environment') ?? []) {
    const eq = value.indexOf('=');
    env.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return env;
}

// Hardening the unit must keep: each one a setting a user could weaken by mistake.
const required: [string, string][] = [
  ['NoNewPrivileges', 'yes'],
  ['ProtectSystem', 'strict'],
  ['ProtectHome', 'yes'],
  ['PrivateTmp', 'yes'],
  ['PrivateDevices', 'yes'],
  ['Restart', 'on-failure'],
  ['StateDirectory', 'tunerbridge'],
  ['StateDirectoryMode', '0700'],
  ['CapabilityBoundingSet', ''],
];

/** The problems of the repository's unit file, or of `text` (empty when it is right). */
export function unitProblems(text = readFileSync(unitPath, 'utf8')): string[] {
  const problems: string[] = [];
  const unit = parseUnit(text);
  for (const section of ['Unit', 'Service', 'Install'])
    if (!unit.has(section)) problems.push(`[${section}] section missing`);
  const service = (key: string) => unitValue(unit, 'Service', key);
  for (const [key, value] of required)
    if (service(key) !== value) problems.push(`${key}=${value} expected, found ${service(key) ?? 'nothing'}`);
  const user = service('User');
  if (!user || user === 'root' || user === '0') problems.push('a dedicated User= (not root) expected');
  if (service('DynamicUser') === 'yes') problems.push('User= is a real account (set-password runs as it)');
  // The data dir the server uses is the one systemd creates and leaves writable.
  const stateDir = `/var/lib/${service('StateDirectory') ?? ''}`;
  const env = unitEnvironment(unit);
  if (env.get('TUNERBRIDGE_DATA_DIR') !== stateDir)
    problems.push(`Environment=TUNERBRIDGE_DATA_DIR=${stateDir} expected, found ${env.get('TUNERBRIDGE_DATA_DIR')}`);
  if (!(unit.get('Service')?.get('ReadWritePaths') ?? []).some((v) => v.split(/\s+/).includes(stateDir)))
    problems.push(`ReadWritePaths=${stateDir} expected`);
  if (service('MemoryDenyWriteExecute') === 'yes') problems.push("MemoryDenyWriteExecute=yes breaks V8's JIT");
  if (unitValue(unit, 'Install', 'WantedBy') !== 'multi-user.target')
    problems.push('WantedBy=multi-user.target expected');

  // ExecStart: Node, the installed build's dist/main.js (what npm run build emits), serve, flags the CLI takes.
  const [node = '', script = '', command = '', ...flags] = (service('ExecStart') ?? '').split(/\s+/);
  const bin = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  const installDir = service('WorkingDirectory') ?? '';
  if (!/^\/.*\/node$/.test(node)) problems.push(`ExecStart must start with an absolute path to node, found ${node}`);
  if (!installDir.startsWith('/')) problems.push('WorkingDirectory= (the install dir) must be absolute');
  if (script !== `${installDir}/${bin.tunerbridge}`)
    problems.push(`ExecStart must run ${installDir}/${bin.tunerbridge}, found ${script}`);
  if (command !== 'serve') problems.push(`ExecStart must run serve, found ${command}`);
  const parsed = parseCli([command, ...flags], {});
  if (parsed.kind === 'error') problems.push(`ExecStart flags refused by the CLI: ${parsed.message}`);
  else if (parsed.kind !== 'serve') problems.push(`ExecStart flags make a ${parsed.kind} command, not serve`);
  return problems;
}
