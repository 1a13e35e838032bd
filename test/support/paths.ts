import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of a committed file in `test/fixtures/`. */
export const fixturePath = (name: string): string => join(here, '..', 'fixtures', name);

/** The repository root (for spawning the CLI or test scripts from source). */
export const repoRoot = join(here, '..', '..');
