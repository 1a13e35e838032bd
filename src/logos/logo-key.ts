import { createHash } from 'node:crypto';

// The extensions a key may end in: the original's, when it is one of these, else `img`. Only
// cosmetic (players look at Content-Type), but a name ending in .png reads better in logs.
const extensions = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'avif']);

/** A key as `/logos/:key` takes it: 64 hex digits, a dot, an extension. */
export const logoKeyPattern = /^[0-9a-f]{64}\.[a-z]{3,4}$/;

/** The public key of a logo URL: the SHA-256 of the URL (hex) and the URL's image extension. */
export function logoKeyOf(url: string): string {
  const hash = createHash('sha256').update(url).digest('hex');
  return `${hash}.${extensionOf(url)}`;
}

function extensionOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'img';
  }
  const ext = /\.([a-z0-9]{2,5})$/i.exec(path)?.[1]?.toLowerCase();
  return ext && extensions.has(ext) ? ext : 'img';
}

/** True for the URLs Tunerbridge fetches and caches: http(s) with a host. */
export function isCacheableLogo(url: string): boolean {
  return /^https?:\/\/[^\s/]/i.test(url) && url.length <= 4096;
}
