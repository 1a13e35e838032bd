import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/*
 * The data dir holds the database (accounts, guide URLs with their encrypted secrets) and the
 * AES key that decrypts them: nobody but the server's user may read it. Directories we create
 * are 0700, files 0600; an existing data dir others can enter is tightened.
 */

/** What `prepareDataDir` found: the old mode of a data dir that was open to others, and whether it is 0700 now. */
export interface DataDirMode {
  oldMode: number;
  tightened: boolean;
}

/**
 * Creates the data dir (and missing parents) with mode 0700, or tightens an existing one others
 * can read, write or enter to 0700 (not possible when another user owns it: `tightened` false).
 * Returns null when the mode was fine. Throws when the directory cannot be created.
 */
export function prepareDataDir(dataDir: string): DataDirMode | null {
  // Component by component: Node's recursive mkdir can spin forever on some filesystems (/proc).
  const parts = resolve(dataDir).split(sep);
  for (let i = 2; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join(sep);
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
  }
  const oldMode = statSync(dataDir).mode & 0o777;
  if ((oldMode & 0o077) === 0) return null;
  try {
    chmodSync(dataDir, 0o700);
    return { oldMode, tightened: true };
  } catch {
    return { oldMode, tightened: false };
  }
}

/** Sets `mode` on an existing path whose permissions go beyond it; returns the old mode then, else null. */
export function tighten(path: string, mode: number): number | null {
  const old = statSync(path).mode & 0o777;
  if ((old & ~mode) === 0) return null;
  chmodSync(path, mode);
  return old;
}

/** Creates `file` empty with mode 0600 if missing (SQLite gives its -wal and -shm the same mode), else tightens it. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  tighten(file, 0o600);
}
