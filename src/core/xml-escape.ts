import { oneLine } from './errors.js';

// XML specials, and the characters XML 1.0 forbids (control characters other than tab, newline
// and carriage return; U+FFFE, U+FFFF), and DEL (allowed by XML, but a control character).
// eslint-disable-next-line no-control-regex
const needsEscape = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;

/**
 * Escapes text for XML element content and attribute values; drops characters XML 1.0 forbids.
 * Most guide text needs no escaping, so a regex test comes first; what does (an "&" in a title,
 * a "<" in a description) is escaped in one pass over its characters, not two regex replaces
 * with a callback per match: those took a third of the EPG render time.
 */
export function escapeXml(text: string): string {
  if (!needsEscape.test(text)) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 62 && c < 0xfffe && c !== 127) continue; // letters and most punctuation: nothing to do
    let replacement: string;
    if (c === 38) replacement = '&amp;';
    else if (c === 60) replacement = '&lt;';
    else if (c === 62) replacement = '&gt;';
    else if (c === 34) replacement = '&quot;';
    else if (c === 39) replacement = '&apos;';
    else if (c < 32 ? c !== 9 && c !== 10 && c !== 13 : c >= 0xfffe || c === 127) replacement = '';
    else continue;
    if (i > last) out += text.slice(last, i);
    out += replacement;
    last = i + 1;
  }
  return last < text.length ? out + text.slice(last) : out;
}

/** `escapeXml` for a one-line value (a name, an id, a URL): line breaks and tabs become a space too. */
export function escapeXmlLine(text: string): string {
  return escapeXml(oneLine(text));
}
