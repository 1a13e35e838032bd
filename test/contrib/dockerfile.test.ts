import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import { dockerfileProblems, dockerignorePatterns, isDockerIgnored, parseDockerfile } from './dockerfile-checks.js';

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');

/** The real Dockerfile with one thing changed; fails when `from` is not in it (the test would prove nothing). */
function changed(from: string | RegExp, to: string): string {
  const result = dockerfile.replace(from, to);
  expect(result).not.toBe(dockerfile);
  return result;
}

describe('Dockerfile', () => {
  it('passes the static checks: multi-stage, pinned Node 20, non-root, /data volume, every COPY source present', () => {
    expect(dockerfileProblems()).toEqual([]);
  });

  it('keeps local data, node_modules and build output out of the build context', () => {
    const ignore = dockerignorePatterns();
    for (const path of ['node_modules', 'web/node_modules/react', 'dist/main.js', 'web/dist', 'data', '.git'])
      expect(isDockerIgnored(ignore, path), path).toBe(true);
    for (const path of ['src/main.ts', 'web/src/App.tsx', 'package-lock.json'])
      expect(isDockerIgnored(ignore, path), path).toBe(false);
  });

  it("is the image the README's Docker steps build and run", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Docker'), readme.indexOf('### systemd'));
    expect(section).toContain('docker build -t tunerbridge .\n');
    expect(section).toContain('docker run -d --name tunerbridge --network host -v tunerbridge:/data');
    const runtime = parseDockerfile(dockerfile).at(-1)!;
    const volume = runtime.instructions.find((i) => i.keyword === 'VOLUME')!.args;
    expect(section).toContain(`-v tunerbridge:${volume}`);
    expect(section).toContain('http://127.0.0.1:5004/discover.json');
    expect(dockerfile).toContain('http://127.0.0.1:5004/discover.json');
    // The quick start stays two commands, without Docker.
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('### Flags'));
    expect(quickStart.match(/```sh\n[^`]*```/g)).toEqual([
      '```sh\nnpm ci && npm start\n```',
      '```sh\nnpm ci && npm test\n```',
    ]);
  });

  it('the checks find each kind of mistake', () => {
    const cases: [string, string][] = [
      [changed('USER node', 'USER root'), 'runtime stage: the last USER must not be root (DL3002)'],
      [changed('VOLUME /data', ''), 'runtime stage: VOLUME /data'],
      [changed('FROM node:20-bookworm-slim\n', 'FROM node:latest\n'), 'FROM node:latest: pin a tag (DL3006/DL3007)'],
      [changed('COPY src src', 'COPY source src'), 'COPY source: not in the repository'],
      [
        changed('COPY --from=build /app/web/dist web/dist', 'COPY --from=build /app/web/build web/build'),
        'the build stage makes no web/build',
      ],
      [changed(/^CMD \[.*\]$/m, 'CMD ["node", "dist/server.js", "serve"]'), 'CMD must run node dist/main.js serve'],
      [changed(' --no-install-recommends', ''), '--no-install-recommends (DL3015)'],
      [changed('make g++', 'make'), 'build stage: apt-get install g++ (better-sqlite3 may compile)'],
      [changed(/ \\\n\s+&& npm prune[^\n]*/, ''), 'build stage: RUN npm prune --omit=dev'],
      [changed(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ''), 'runtime stage: HEALTHCHECK of /discover.json'],
    ];
    for (const [text, problem] of cases) {
      expect(
        dockerfileProblems(text).some((p) => p.endsWith(problem)),
        problem,
      ).toBe(true);
    }
    expect(dockerfileProblems(dockerfile, [...dockerignorePatterns(), 'src'])).toContainEqual(
      expect.stringMatching(/COPY src: excluded by \.dockerignore$/),
    );
  });

  it('parses continuations, flags and comments', () => {
    const stages = parseDockerfile(
      ['# c', 'FROM node:20-bookworm-slim AS build', 'RUN a && \\', '  b', 'COPY --from=x --chown=1:1 a b'].join('\n'),
    );
    expect(stages.map((s) => [s.image, s.name])).toEqual([['node:20-bookworm-slim', 'build']]);
    expect(stages[0]!.instructions.map((i) => [i.keyword, i.line, i.args])).toEqual([
      ['FROM', 2, 'node:20-bookworm-slim AS build'],
      ['RUN', 3, 'a && b'],
      ['COPY', 5, 'a b'],
    ]);
    expect(stages[0]!.instructions[2]!.flags).toEqual({ from: 'x', chown: '1:1' });
    const ignore = ['**/node_modules', 'data', '!data/keep'];
    expect(isDockerIgnored(ignore, 'data/x.db')).toBe(true);
    expect(isDockerIgnored(ignore, 'data/keep')).toBe(false);
    expect(isDockerIgnored(ignore, 'src/data')).toBe(false);
  });
});
