import { randomUUID } from 'node:crypto';
import { invalidInput } from '../core/index.js';
import { redactUrlFully, unmaskUrl, urlMask, type CredentialStore } from '../credentials/index.js';
import { guideError, guideLocationKind } from './guide-download.js';
import { checkGuideFile } from './guide-files.js';
import { secretOfSource, type SourceRow, type StoredLocation } from './source-repository.js';

/** What the location of a guide source needs: the credential store, the guide folders, the account guide URLs. */
export interface GuideLocationDeps {
  /** Keeps guide URLs that carry credentials (provider xmltv.php links) like account passwords. */
  credentials: CredentialStore;
  /** The folders a file location must be inside. */
  folders: string[];
  /** Builds an account's own guide URL (`xmltv.php`, with its credentials); ACCOUNT_NOT_FOUND when it is gone. */
  accountGuideUrl?: (accountId: number) => string;
}

/**
 * A URL with anything that may be a credential (userinfo, any query, a fragment, an Xtream
 * path) goes to the credential store; the row keeps it masked.
 */
export function storeLocation(deps: GuideLocationDeps, url: string): StoredLocation {
  const masked = redactUrlFully(url);
  if (masked === url) return { url, secret: null, accountId: null };
  return { url: masked, secret: deps.credentials.save(`guide-${randomUUID()}`, url), accountId: null };
}

/**
 * The location a PATCH gives. A complete URL stands for itself (its own credentials, none of
 * the stored ones carried over). A URL that keeps masks (`***`, as the API shows it) means
 * "keep the stored secrets": allowed only to the same scheme, host and port, or the stored
 * password would go to wherever the caller pointed it.
 */
export function changedLocation(deps: GuideLocationDeps, row: SourceRow, url: string): StoredLocation {
  const secret = secretOfSource(row);
  if (!secret || !url.includes(urlMask)) return storeLocation(deps, url);
  const stored = revealLocation(deps, row);
  if (originOf(url) !== originOf(stored))
    throw invalidInput(
      'the guide URL points elsewhere but keeps masked credentials (***): send the full URL with its credentials',
    );
  const restored = unmaskUrl(url, stored);
  if (restored === undefined)
    throw invalidInput('the masked parts (***) of this guide URL do not match the stored one: send the full URL');
  return storeLocation(deps, restored);
}

/** An http(s) URL, or a file inside the guide folders. */
export function checkLocation(deps: GuideLocationDeps, url: string): string {
  const trimmed = url.trim();
  const kind = guideLocationKind(trimmed);
  if (!kind) throw invalidInput('url must be an http(s) URL or an absolute file path');
  if (kind === 'file') checkGuideFile(trimmed, deps.folders);
  return trimmed;
}

/** An account's own guide: checked to exist now, its URL built again at each import. */
export function accountLocation(deps: GuideLocationDeps, accountId: number): StoredLocation {
  if (!deps.accountGuideUrl) throw invalidInput('account guides are not available');
  return { url: redactUrlFully(deps.accountGuideUrl(accountId)), secret: null, accountId };
}

/** The source's full location, credentials included (for the download only). */
export function revealLocation(deps: GuideLocationDeps, row: SourceRow): string {
  if (row.account_id !== null) {
    try {
      return deps.accountGuideUrl!(row.account_id);
    } catch (error) {
      throw guideError('account of this guide unavailable', error);
    }
  }
  const secret = secretOfSource(row);
  if (!secret) return row.url;
  try {
    return deps.credentials.reveal(secret);
  } catch (error) {
    throw guideError('guide URL credentials unavailable', error);
  }
}

/** Scheme, host and port; a file location has none of its own. */
function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'file:';
  }
}
