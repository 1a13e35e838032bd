import { constants, mkdirSync, realpathSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidInput, type AppConfig } from '../core/index.js';

/*
 * A guide given as a file is read only from the data dir's `guides/` folder or the folder of
 * `--guide-dir`: whoever can add a guide source must not be able to make the server read
 * `/etc/shadow` or the AES key file (an import error would say whether it exists, and a
 * lenient parser might show parts of it). The check runs when a source is created or changed
 * and again, on the real path, when the file is opened: a symlink placed later changes nothing.
 */

/** The folders guide files may be read from. */
export function guideFolders(config: Pick<AppConfig, 'dataDir' | 'guideDir'>): string[] {
  return [join(config.dataDir, 'guides'), ...(config.guideDir ? [config.guideDir] : [])];
}

const outside = () =>
  invalidInput("a guide file must be inside the data dir's guides/ folder (or the folder given with --guide-dir)");

/** The path a file location names (an absolute path or a `file://` URL); `..` refused. */
export function guideFilePath(location: string): string {
  let path: string;
  try {
    path = /^file:/i.test(location) ? fileURLToPath(location) : location;
  } catch {
    throw invalidInput('guide file URL is invalid');
  }
  if (!isAbsolute(path)) throw invalidInput('a guide file path must be absolute');
  // `..` is refused as written, even when it would resolve to a place inside the folder.
  if (path.split(/[\\/]/).includes('..')) throw outside();
  if (path.includes('\0')) throw invalidInput('guide file path is invalid');
  return path;
}

/**
 * Checks a file location when a source is saved: the file (or, when it does not exist yet, its
 * folder) resolves to a place inside one of `folders`. The data dir's `guides/` is created on
 * demand so that a user can put files there.
 */
export function checkGuideFile(location: string, folders: string[]): void {
  const path = guideFilePath(location);
  const roots = folders.map((folder, i) => {
    if (i === 0) mkdirSync(folder, { recursive: true, mode: 0o700 });
    return resolveOrNull(folder);
  });
  const real = resolveOrNull(path) ?? joinReal(resolveOrNull(dirname(path)), basename(path));
  if (!real || !roots.some((root) => root !== null && isInside(real, root))) throw outside();
}

/**
 * Opens a guide file for an import, checked again on its real path (it may have become a
 * symlink since the source was saved). Throws AppError INVALID_INPUT when it is outside the
 * folders, or the fs error (ENOENT, EACCES) for the caller to name.
 */
export async function openGuideFile(location: string, folders: string[]): Promise<FileHandle> {
  const path = guideFilePath(location);
  const real = await realpath(path);
  const roots = await Promise.all(folders.map((folder) => realpath(folder).catch(() => null)));
  if (!roots.some((root) => root !== null && isInside(real, root))) throw outside();
  // O_NOFOLLOW: the real path has no symlink in its last part now, and must not gain one before the open.
  return open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
}

function resolveOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

const joinReal = (folder: string | null, name: string) => (folder === null ? null : join(folder, name));

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
