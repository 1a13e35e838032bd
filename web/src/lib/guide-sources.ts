/** Form rules of the Guide page's sources tab: the add / edit form, uploads and the refresh time. */

export type SourceKind = 'url' | 'account' | 'upload';

export interface SourceForm {
  kind: SourceKind;
  name: string;
  url: string;
  accountId: string | null;
  file: { name: string; size: number } | null;
}

/** Per-field messages; empty when the form can be sent. */
export function sourceFormErrors(form: SourceForm): Partial<Record<'name' | 'url' | 'accountId' | 'file', string>> {
  const errors: Partial<Record<'name' | 'url' | 'accountId' | 'file', string>> = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Give the source a name';
  else if (name.length > 200) errors.name = 'At most 200 characters';
  if (form.kind === 'url') {
    const url = form.url.trim();
    if (!url) errors.url = 'Enter the guide’s address';
    else if (!isGuideLocation(url)) errors.url = 'An http(s):// or file:// address, or an absolute path on the server';
    else if (url.length > 4096) errors.url = 'At most 4096 characters';
  } else if (form.kind === 'account') {
    if (!form.accountId) errors.accountId = 'Pick the account whose guide to use';
  } else if (!form.file) errors.file = 'Choose an XMLTV file (.xml or .xml.gz)';
  else if (form.file.size === 0) errors.file = 'The file is empty';
  return errors;
}

/** The time shift field's message, or undefined when it is a whole number of minutes within a day either way ('' = 0). */
export function timeShiftError(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) return 'Whole minutes, e.g. 60 or -30';
  if (Math.abs(Number(value)) > 1440) return 'At most a day (1440 minutes) either way';
  return undefined;
}

/** The time shift field as the API takes it (minutes; '' = 0). */
export function timeShiftMinutes(text: string): number {
  const value = text.trim();
  return value === '' ? 0 : Number(value);
}

/** A shift as the source card shows it: `+60 min`, `-30 min`. */
export function formatTimeShift(minutes: number): string {
  return `${minutes > 0 ? '+' : ''}${minutes} min`;
}

/** http(s):// or file:// URL, or an absolute path (what the server accepts). */
export function isGuideLocation(text: string): boolean {
  if (text.startsWith('/')) return true;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'file:';
  } catch {
    return false;
  }
}

/** The upload's content type: gzip for `.gz` files (or a gzip type from the browser), else XML. */
export function uploadContentType(file: { name: string; type?: string }): 'application/gzip' | 'application/xml' {
  if (/\.gz$/i.test(file.name) || /gzip/i.test(file.type ?? '')) return 'application/gzip';
  return 'application/xml';
}

/** A display name from a file name: `epg-uk.xml.gz` → `epg-uk`. */
export function nameFromFile(fileName: string): string {
  return fileName.replace(/\.gz$/i, '').replace(/\.xml$/i, '') || fileName;
}

/** `HH:MM`, 24-hour: what `PUT /api/xmltv-sources/schedule` takes. */
export function isRefreshTime(text: string): boolean {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  return m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59;
}

/** A refresh's progress as a bar value (0..100), or null for "busy, amount unknown". */
export function progressValue(p: { percent?: number; done?: number; total?: number } | undefined): number | null {
  if (!p) return null;
  if (typeof p.percent === 'number') return Math.min(100, Math.max(0, p.percent));
  if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0)
    return Math.min(100, Math.max(0, (p.done / p.total) * 100));
  return null;
}
