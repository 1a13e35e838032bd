import { Readable, pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import {
  createTvReader,
  defaultXmltvBounds,
  GuideFormatError,
  type XmltvHandlers,
  type XmltvLimits,
  type XmltvParseResult,
} from './xmltv-records.js';

export {
  GuideFormatError,
  type XmltvChannel,
  type XmltvHandlers,
  type XmltvLimits,
  type XmltvParseResult,
  type XmltvProgramme,
} from './xmltv-records.js';
export { parseXmltvTime } from './xmltv-time.js';

/*
 * XMLTV bytes in: gunzipped when they start with the gzip magic (whatever the file is called),
 * decoded as the XML declaration says (UTF-8 by default), handed to the reader slice by slice.
 * Nothing here holds more than one slice of the document.
 */

// The reader gets at most this much per write(), so saxes' own buffers grow by at most this
// much between its checks, whatever chunk size the caller hands in.
const sliceBytes = 64 * 1024;

/** Parses XMLTV bytes (plain or gzip, detected by magic bytes 1f 8b, NOT by file name) as a stream. */
export async function parseXmltv(
  input: AsyncIterable<Uint8Array>,
  handlers: XmltvHandlers,
  limits: XmltvLimits = {},
): Promise<XmltvParseResult> {
  const bounds = { ...defaultXmltvBounds, ...withoutUndefined(limits) };
  const reader = createTvReader(handlers, bounds);
  const fixer = createAmpersandEscaper((text) => reader.write(text));
  const feed = createTextFeed(fixer.write, fixer.end);
  let bytes = 0;
  for await (const chunk of await openBytes(input)) {
    // Counted after gunzip: a few MB of gzip can hold gigabytes of XML.
    bytes += chunk.length;
    if (bytes > bounds.maxBytes) throw new GuideFormatError(`guide larger than ${mib(bounds.maxBytes)} MiB of XML`);
    for (let at = 0; at < chunk.length; at += sliceBytes) feed.push(chunk.subarray(at, at + sliceBytes));
  }
  feed.end();
  return reader.end();
}

const mib = (bytes: number) => Math.round((bytes / 1024 ** 2) * 100) / 100;

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The input as plain bytes: gunzipped when its first two bytes are the gzip magic. */
async function openBytes(input: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const iterator = input[Symbol.asyncIterator]();
  let first: Uint8Array = new Uint8Array(0);
  let done = false;
  // A source may well hand over a single byte first.
  while (first.length < 2 && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else first = concat(first, next.value);
  }
  const bytes = chain(first, done ? null : iterator);
  return first[0] === 0x1f && first[1] === 0x8b ? gunzip(bytes) : bytes;
}

/** `first`, then the rest of `rest`; `rest` is closed if the reader stops early. */
async function* chain(first: Uint8Array, rest: AsyncIterator<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  let delegated = false;
  try {
    if (first.length > 0) yield first;
    delegated = true;
    // yield* passes an early return on to `rest` itself.
    if (rest) yield* { [Symbol.asyncIterator]: () => rest };
  } finally {
    if (!delegated) await rest?.return?.();
  }
}

async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Errors reach us through the iteration below; the callback only keeps pipeline from throwing.
  const output = pipeline(
    Readable.from(source, { objectMode: false }),
    createGunzip({ chunkSize: sliceBytes }),
    () => undefined,
  );
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } catch (error) {
    // zlib's own errors (bad header, CRC, truncated) carry a Z_* code; a source error passes as is.
    const code = (error as { code?: unknown }).code;
    throw typeof code === 'string' && code.startsWith('Z_')
      ? new GuideFormatError('broken gzip data', { cause: error })
      : error;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Providers' guides often carry a bare "&" ("Tom & Jerry", an icon URL's query string) or an
// HTML entity XML does not know ("&nbsp;", "&eacute;"). XML forbids both, but refusing a whole
// week of guide over one character helps nobody: before saxes sees the text, a bare "&" is
// escaped, a common HTML entity becomes its character reference, and any other name is kept as
// literal text. XML's own references pass untouched, and so does CDATA, where "&" is legal.
const looseReference = /&(#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};|(?:amp|lt|gt|quot|apos);|([A-Za-z][A-Za-z0-9]{1,31});)?/g;
const htmlEntities: Record<string, number> = {
  nbsp: 160,
  iexcl: 161,
  copy: 169,
  laquo: 171,
  reg: 174,
  deg: 176,
  raquo: 187,
  frac12: 189,
  Agrave: 192,
  Aacute: 193,
  Auml: 196,
  Ccedil: 199,
  Egrave: 200,
  Eacute: 201,
  Ntilde: 209,
  Ouml: 214,
  Uuml: 220,
  szlig: 223,
  agrave: 224,
  aacute: 225,
  acirc: 226,
  auml: 228,
  aring: 229,
  ccedil: 231,
  egrave: 232,
  eacute: 233,
  ecirc: 234,
  euml: 235,
  iacute: 237,
  icirc: 238,
  iuml: 239,
  ntilde: 241,
  oacute: 243,
  ocirc: 244,
  ouml: 246,
  oslash: 248,
  uacute: 250,
  ucirc: 251,
  uuml: 252,
  ndash: 8211,
  mdash: 8212,
  lsquo: 8216,
  rsquo: 8217,
  ldquo: 8220,
  rdquo: 8221,
  bull: 8226,
  hellip: 8230,
  euro: 8364,
  trade: 8482,
};
// Longer than any reference the pattern accepts: an "&" this close to a slice's end waits for the next slice.
const referenceSpan = 40;
const cdataOpen = '<![CDATA[';
const cdataClose = ']]>';

const escapeBare = (text: string) =>
  text.includes('&')
    ? text.replace(looseReference, (match: string, known: string | undefined, name: string | undefined) => {
        if (name === undefined) return known === undefined ? '&amp;' : match;
        const code = htmlEntities[name];
        return code === undefined ? `&amp;${name};` : `&#${code};`;
      })
    : text;

/**
 * Escapes bare "&" in text arriving in slices. What may be cut at a slice's end (a reference, a
 * CDATA marker) waits for the next slice; nothing else is held.
 */
function createAmpersandEscaper(write: (text: string) => void): { write: (text: string) => void; end: () => void } {
  let pending = '';
  let inCdata = false;
  const flush = (final: boolean) => {
    let text = pending;
    pending = '';
    let out = '';
    while (text) {
      if (inCdata) {
        const close = text.indexOf(cdataClose);
        if (close === -1) {
          const keep = final ? 0 : Math.min(cdataClose.length - 1, text.length);
          out += text.slice(0, text.length - keep);
          pending = text.slice(text.length - keep);
          break;
        }
        out += text.slice(0, close + cdataClose.length);
        text = text.slice(close + cdataClose.length);
        inCdata = false;
        continue;
      }
      const open = text.indexOf(cdataOpen);
      if (open !== -1) {
        out += escapeBare(text.slice(0, open)) + cdataOpen;
        text = text.slice(open + cdataOpen.length);
        inCdata = true;
        continue;
      }
      let hold = text.length;
      if (!final) {
        const lt = text.lastIndexOf('<');
        if (lt !== -1 && text.length - lt < cdataOpen.length && cdataOpen.startsWith(text.slice(lt))) hold = lt;
        const amp = text.lastIndexOf('&');
        if (amp !== -1 && text.length - amp < referenceSpan && text.indexOf(';', amp) === -1)
          hold = Math.min(hold, amp);
      }
      out += escapeBare(text.slice(0, hold));
      pending = text.slice(hold);
      break;
    }
    if (out) write(out);
  };
  return {
    write(text) {
      pending += text;
      flush(false);
    },
    end: () => flush(true),
  };
}

/** Bytes in, text out; holds the first bytes back until the XML declaration's encoding is known. */
function createTextFeed(
  write: (text: string) => void,
  done: () => void = () => undefined,
): { push(bytes: Uint8Array): void; end(): void } {
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  return {
    push(bytes) {
      // stream: true keeps a multi-byte character split across chunks for the next call.
      if (decoder) return write(decoder.decode(bytes, { stream: true }));
      head = concat(head, bytes);
      if (head.length < 1024 && !head.includes(0x3e /* > */)) return;
      decoder = decoderFor(head);
      write(decoder.decode(head, { stream: true }));
      head = new Uint8Array(0);
    },
    end() {
      decoder ??= decoderFor(head);
      write(decoder.decode(head));
      done();
    },
  };
}

// Most guides are UTF-8; some older grabbers still write ISO-8859-1 and say so here. The
// declaration was readable as ASCII, so a UTF-16 label in it is a lie and is ignored.
const encodingDeclaration = /^(?:\xEF\xBB\xBF)?\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

function decoderFor(head: Uint8Array): TextDecoder {
  const declared = encodingDeclaration.exec(Buffer.from(head).toString('latin1'))?.[1]?.toLowerCase();
  const label = declared === undefined || declared.startsWith('utf-16') ? 'utf-8' : declared;
  try {
    return new TextDecoder(label);
  } catch {
    // Not the label itself: nothing read from the file goes into an error.
    throw new GuideFormatError('unsupported encoding in the XML declaration');
  }
}
