import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const resultsFile = resolve(process.cwd(), 'bench/RESULTS.md');

/**
 * Writes one benchmark's section into bench/RESULTS.md between its `<!-- bench:NAME -->` markers,
 * leaving the other benchmarks' sections as they are (appended when the markers are new).
 */
export function recordResults(name: string, section: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${section}\n${end}`;
  const current = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(
    resultsFile,
    pattern.test(current) ? current.replace(pattern, () => block) : `${current.trimEnd()}\n\n${block}\n`,
  );
}
