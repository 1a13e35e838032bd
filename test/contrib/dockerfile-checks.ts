import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { repoRoot } from '../support/paths.js';

/** One Dockerfile instruction: its keyword, its flags (`--from=build`) and its arguments, continuations joined. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
  line: number;
}

/** One `FROM` and what follows it up to the next. */
export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Parses a Dockerfile into stages (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1).trimEnd() + ' ' + lines[++i]!.trim();
    }
    const [keyword = '', ...rest] = line.split(/\s+/);
    const flags: Record<string, string> = {};
    while (rest[0]?.startsWith('--')) {
      const [flag = '', value = ''] = rest.shift()!.slice(2).split('=');
      flags[flag] = value;
    }
    const instruction = { keyword: keyword.toUpperCase(), flags, args: rest.join(' '), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    }
    if (stages.length === 0) throw new Error(`line ${start + 1}: ${keyword} before FROM`);
    stages.at(-1)!.instructions.push(instruction);
  }
  return stages;
}

/** The sources and destination of a COPY (shell form; the JSON form is not used here). */
export function copyPaths(instruction: Instruction): { sources: string[]; destination: string } {
  const parts = instruction.args.split(/\s+/);
  return { sources: parts.slice(0, -1), destination: parts.at(-1)! };
}

/** A JSON-array (exec form) argument list, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `.dockerignore` patterns exclude `path` (or a folder it is in); `!` exceptions honoured. */
export function isDockerIgnored(patterns: string[], path: string): boolean {
  const segments = posix.normalize(path).replace(/\/$/, '').split('/');
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = posix.normalize(negate ? raw.slice(1) : raw).replace(/^\/|\/$/g, '');
    const regex = globToRegex(pattern);
    // A pattern matching a folder excludes everything in it.
    for (let n = 1; n <= segments.length; n++) {
      if (regex.test(segments.slice(0, n).join('/'))) {
        ignored = !negate;
        break;
      }
    }
  }
  return ignored;
}

function globToRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is any number of folders, a trailing `**` anything.
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The repository's `.dockerignore` patterns. */
export function dockerignorePatterns(): string[] {
  return readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `outDir` of a tsconfig (JSON with no comments here). */
function tsOutDir(file: string): string {
  return (JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as { compilerOptions: { outDir: string } })
    .compilerOptions.outDir;
}

/**
 * Checks the repository's Dockerfile the way hadolint and a reviewer would, without Docker.
 * Returns the problems found (empty when all is well), so a test can show them all at once.
 */
export function dockerfileProblems(
  text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'),
  ignore = dockerignorePatterns(),
): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push(`multi-stage build expected, found ${stages.length} stage(s)`);
  for (const stage of stages) {
    const [name, tag] = stage.image.split(':');
    if (!tag || tag === 'latest') problems.push(`FROM ${stage.image}: pin a tag (DL3006/DL3007)`);
    if (name !== 'node' || !tag?.startsWith('20-')) problems.push(`FROM ${stage.image}: Node 20 expected`);
  }
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1)!;
  if (!build || build === runtime) problems.push('a stage named build, before the runtime stage, expected');
  const all = stages.flatMap((s) => s.instructions);
  const runs = (stage: Stage | undefined) =>
    (stage?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);

  // hadolint-style rules over every instruction.
  for (const i of all) {
    if (i.keyword === 'ADD') problems.push(`line ${i.line}: COPY instead of ADD (DL3020)`);
    if (i.keyword === 'RUN' && /(^|[;&|]\s*)cd\s/.test(i.args))
      problems.push(`line ${i.line}: WORKDIR, not cd (DL3003)`);
    if (i.keyword === 'RUN' && /\bsudo\b/.test(i.args)) problems.push(`line ${i.line}: no sudo (DL3004)`);
    if (i.keyword === 'RUN' && /apt-get install/.test(i.args)) {
      if (!/--no-install-recommends/.test(i.args)) problems.push(`line ${i.line}: --no-install-recommends (DL3015)`);
      if (!/\s-y\b/.test(i.args)) problems.push(`line ${i.line}: apt-get install -y (DL3014)`);
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) problems.push(`line ${i.line}: clean the apt lists (DL3009)`);
    }
    if ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && !execForm(i.args))
      problems.push(`line ${i.line}: ${i.keyword} in JSON form (DL3025)`);
  }

  // The build stage: compilers for better-sqlite3, a clean install, the build, no dev packages left.
  const buildRuns = runs(build).join('\n');
  for (const tool of ['python3', 'make', 'g++'])
    if (!new RegExp(`apt-get install[^\\n]*\\s${tool.replace(/\+/g, '\\+')}(\\s|$)`).test(buildRuns))
      problems.push(`build stage: apt-get install ${tool} (better-sqlite3 may compile)`);
  for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev'])
    if (!buildRuns.includes(step)) problems.push(`build stage: RUN ${step}`);
  if (runs(runtime).some((r) => /apt-get install|npm (ci|install)/.test(r)))
    problems.push('runtime stage: no package installs (everything comes from the build stage)');

  // Every COPY from the build context names files that exist and .dockerignore lets through.
  const copiedIntoBuild = new Set<string>();
  for (const stage of stages) {
    for (const i of stage.instructions.filter((x) => x.keyword === 'COPY')) {
      const { sources, destination } = copyPaths(i);
      if (i.flags.from !== undefined) {
        if (!stages.some((s) => s.name === i.flags.from)) problems.push(`line ${i.line}: no stage ${i.flags.from}`);
        continue;
      }
      for (const source of sources) {
        if (!existsSync(join(repoRoot, source))) problems.push(`line ${i.line}: COPY ${source}: not in the repository`);
        if (isDockerIgnored(ignore, source)) problems.push(`line ${i.line}: COPY ${source}: excluded by .dockerignore`);
        if (stage === build)
          copiedIntoBuild.add(destination.endsWith('/') ? destination + posix.basename(source) : destination);
      }
    }
  }
  // What the runtime copies from the build stage is what the build stage has: a copied file or a build output.
  const workdir = build?.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/';
  const webOutDir = /outDir:\s*'([^']+)'/.exec(readFileSync(join(repoRoot, 'web', 'vite.config.ts'), 'utf8'))?.[1];
  const produced = new Set([
    ...[...copiedIntoBuild].map((p) => posix.normalize(p)),
    'node_modules',
    tsOutDir('tsconfig.build.json'),
    `web/${webOutDir}`,
  ]);
  for (const i of runtime.instructions.filter((x) => x.keyword === 'COPY' && x.flags.from === build?.name)) {
    for (const source of copyPaths(i).sources) {
      const relative = posix.relative(workdir, source);
      if (!produced.has(relative))
        problems.push(`line ${i.line}: COPY --from=build ${source}: the build stage makes no ${relative}`);
    }
  }

  // The runtime: non-root, the data volume, the port, a health check, and the server the build emits.
  const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
  if (users.length === 0 || users.at(-1) === 'root' || users.at(-1) === '0')
    problems.push('runtime stage: the last USER must not be root (DL3002)');
  if (
    !runtime.instructions.some(
      (i) => i.keyword === 'VOLUME' && (execForm(i.args) ?? i.args.split(/\s+/)).includes('/data'),
    )
  )
    problems.push('runtime stage: VOLUME /data');
  if (!runtime.instructions.some((i) => i.keyword === 'ENV' && /\bTUNERBRIDGE_DATA_DIR=\/data\b/.test(i.args)))
    problems.push('runtime stage: ENV TUNERBRIDGE_DATA_DIR=/data');
  if (!runtime.instructions.some((i) => i.keyword === 'EXPOSE' && /\b5004(\/tcp)?\b/.test(i.args)))
    problems.push('runtime stage: EXPOSE 5004');
  const health = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!health?.args.includes('/discover.json')) problems.push('runtime stage: HEALTHCHECK of /discover.json');
  const cmd = execForm(runtime.instructions.findLast((i) => i.keyword === 'CMD')?.args ?? '') ?? [];
  const outDir = tsOutDir('tsconfig.build.json');
  const entry = `${outDir}/main.js`;
  // tsc -p tsconfig.build.json (rootDir src) turns src/main.ts into dist/main.js; package.json's bin says the same.
  const bin = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  if (!existsSync(join(repoRoot, 'src', 'main.ts')) || bin.tunerbridge !== entry)
    problems.push(`${entry} is not what npm run build emits for the tunerbridge binary`);
  if (cmd[0] !== 'node' || cmd[1] !== entry || cmd[2] !== 'serve') problems.push(`CMD must run node ${entry} serve`);
  return problems;
}
