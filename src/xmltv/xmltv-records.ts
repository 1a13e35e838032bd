import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { parseXmltvTime } from './xmltv-time.js';

/*
 * The XMLTV part of the parser: saxes events in, channels and programmes out. Only the element
 * being built is held; each is handed over as its closing tag is read. saxes never loads a DTD
 * or an external entity, and a DOCTYPE that declares entities is refused outright.
 */

/** A programme with only its channel, times and title; every other field empty. */
export function bareProgramme<Stop extends number | null>(
  channelId: string,
  start: number,
  stop: Stop,
  title: string,
): Omit<XmltvProgramme, 'stop'> & { stop: Stop } {
  return {
    channelId,
    start,
    stop,
    title,
    subTitle: null,
    description: null,
    categories: [],
    episodeNumXmltvNs: null,
    episodeNumOnscreen: null,
    icon: null,
    rating: null,
    isNew: false,
    previouslyShown: false,
  };
}

/** A <channel> element as imported. */
export interface XmltvChannel {
  id: string;
  displayNames: string[];
  icon: string | null;
  url: string | null;
}

/** A <programme> element as imported; times are Unix ms UTC. */
export interface XmltvProgramme {
  channelId: string;
  start: number;
  stop: number | null;
  title: string;
  subTitle: string | null;
  description: string | null;
  categories: string[];
  episodeNumXmltvNs: string | null;
  episodeNumOnscreen: string | null;
  icon: string | null;
  rating: string | null;
  isNew: boolean;
  previouslyShown: boolean;
}

/** Receives each element as its closing tag is read, synchronously, in document order. */
export interface XmltvHandlers {
  /** Once per <channel> element: a repeated id is handed over again as it stands (the importer merges). */
  channel(channel: XmltvChannel): void;
  programme(programme: XmltvProgramme): void;
}

/** Bounds that keep a hostile or broken guide from taking unbounded memory. */
export interface XmltvLimits {
  /** Deepest element nesting accepted; default 32 (XMLTV needs 4). */
  maxDepth?: number;
  /** Longest text node, CDATA section, comment or attribute value; default 64 KiB. */
  maxTextLength?: number;
  /** Most bytes of XML read (after gunzip); default 2 GiB. */
  maxBytes?: number;
  /** Most distinct channel ids (of `<channel>` elements and programmes together); default 20,000. */
  maxChannels?: number;
  /** Most programmes; default 2,000,000. */
  maxProgrammes?: number;
  /** Most distinct display names in one `<channel>` element; default 32. */
  maxDisplayNames?: number;
}

/** `XmltvLimits` with every default filled in. */
export type XmltvBounds = Required<XmltvLimits>;

/** The defaults of `XmltvLimits`; the app passes its config instead. */
export const defaultXmltvBounds: XmltvBounds = Object.freeze({
  maxDepth: 32,
  maxTextLength: 64 * 1024,
  maxBytes: 2 * 1024 ** 3,
  maxChannels: 20_000,
  maxProgrammes: 2_000_000,
  maxDisplayNames: 32,
});

// Longer channel ids are refused (no real one comes close); longer names are cut, longer icon
// and web links dropped. They are kept for every channel until the import ends.
export const maxChannelIdLength = 256;
export const maxDisplayNameLength = 200;
const maxLinkLength = 2048;

/** What one parse saw. */
export interface XmltvParseResult {
  /** Distinct ids of real <channel> elements (ids only seen on programmes not counted). */
  channels: number;
  /** Programmes handed to the handler. */
  programmes: number;
  /** Programmes left out: no channel, no valid start, or no title. */
  skippedProgrammes: number;
}

/** The bytes are not a usable XMLTV document; `reason` is short and safe to show. */
export class GuideFormatError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'GuideFormatError';
  }
}

// A real <programme> has a handful of categories and attributes; these stop a hostile one
// from growing without end inside a single element.
const maxListLength = 64;
const maxAttributes = 64;

// The parts of saxes' state that grow with the input. saxes has no size limits of its own, so
// these are read after every write (at most one 64 KiB slice of bytes) to cap what it buffers.
// They are saxes internals: package.json pins the exact saxes version and
// test/xmltv/saxes-internals.test.ts fails if a field is renamed or stops growing.
export interface SaxesBuffers {
  text?: unknown;
  name?: unknown;
  entity?: unknown;
  piTarget?: unknown;
  openWakaBang?: unknown;
  attribList?: unknown;
}

/** saxes' growing buffers, read through the fields the pinned version has. */
export function saxesBuffers(parser: SaxesParser): SaxesBuffers {
  return parser as unknown as SaxesBuffers;
}

const ignored = 0;
const inChannel = 1;
const inProgramme = 2;
const inSkippedProgramme = 3;

type ProgrammeText = 'title' | 'subTitle' | 'description' | 'episodeNumXmltvNs' | 'episodeNumOnscreen' | 'rating';
type Field = ProgrammeText | 'categories' | 'displayNames' | 'url';

const programmeTexts: Record<string, ProgrammeText | undefined> = {
  title: 'title',
  'sub-title': 'subTitle',
  desc: 'description',
};

/** The XMLTV-specific part: saxes events in, channels and programmes out. */
export function createTvReader(
  handlers: XmltvHandlers,
  bounds: XmltvBounds,
): { write(text: string): void; end(): XmltvParseResult } {
  const { maxDepth, maxTextLength: maxText, maxChannels, maxProgrammes, maxDisplayNames } = bounds;
  const parser = new SaxesParser();
  const buffers = saxesBuffers(parser);
  const channelIds = new Set<string>();
  // Every channel id seen, of channels and programmes: each becomes a lineup channel.
  const allIds = new Set<string>();
  let programmes = 0;
  let skipped = 0;
  let sawContent = false;
  let prologue = ''; // the first characters, to recognise an HTML page (never shown: no file content in errors)
  let rootSeen = false;
  let rootClosed = false;
  let depth = 0;
  let element = ignored;
  let channel: XmltvChannel | null = null;
  let programme: XmltvProgramme | null = null;
  let inRating = false;
  // The child element whose text is being collected, and its depth.
  let field: Field | null = null;
  let fieldDepth = 0;
  let fieldText = '';

  const fail = (reason: string): never => {
    throw new GuideFormatError(reason);
  };
  const checkLength = (text: string): void => {
    if (text.length > maxText) fail('text too long');
  };
  // saxes reports bad XML by throwing from write(); what our handlers throw must pass unchanged.
  let handlerError: unknown;
  const malformed = (error: unknown): unknown => {
    const saxes = error !== handlerError && error instanceof Error ? /^(\d+):\d+: (.*)$/s.exec(error.message) : null;
    if (!saxes) return error;
    if (!rootSeen && /<html[\s>]/i.test(prologue))
      return new GuideFormatError('not an XMLTV document (root element <html>)');
    // saxes puts names from the document after a colon ("unclosed tag: x"): only its words are kept.
    const detail = (saxes[2] ?? '')
      .replace(/:[\s\S]*$/, '')
      .replace(/\.$/, '')
      .slice(0, 80);
    // saxes says this on the ";" that ended a bare "&"'s run (usually the same or the next line).
    const why = detail === 'disallowed character in entity name' ? 'unescaped "&"' : detail;
    // No cause: saxes' own message names what it read, and the error reaches the log.
    return new GuideFormatError(`malformed XML at line ${saxes[1]} (${why})`);
  };
  const capture = (which: Field): void => {
    field = which;
    fieldDepth = depth;
    fieldText = '';
  };

  parser.on('doctype', (doctype) => {
    checkLength(doctype);
    // Entities are how XXE and "billion laughs" get in; XMLTV never needs them.
    if (/<!ENTITY/i.test(doctype)) fail('DOCTYPE with entity declarations refused');
  });
  const onText = (text: string): void => {
    checkLength(text);
    // Only the element's own text: that of unknown children inside it is left out.
    if (field !== null && depth === fieldDepth) {
      fieldText += text;
      checkLength(fieldText);
    }
  };
  // Five handlers and no more: saxes adds each one to the parser as a new property (a keyed
  // store), and from the eighth V8 (Node 20) turns the parser into a dictionary-mode object:
  // parsing became 4-6x slower. Hence no 'error' handler (saxes then throws from write()) and
  // no comment/PI handlers (their text is bounded by the buffer check in write()).
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth++;
    if (depth > maxDepth) fail('element nesting too deep');
    const attrs = tag.attributes;
    let count = 0;
    for (const key in attrs) {
      if (++count > maxAttributes) fail('too many attributes');
      checkLength(attrs[key]!);
    }
    if (depth === 1) {
      // Named only when it is an HTML page (a provider's error page): nothing else of the file goes into an error.
      if (tag.name.toLowerCase() === 'html') fail('not an XMLTV document (root element <html>)');
      if (tag.name !== 'tv') fail('not an XMLTV document (root element is not <tv>)');
      rootSeen = true;
    } else if (depth === 2) {
      openTopLevel(tag.name, attrs);
    } else if (depth === 3) {
      if (element === inChannel) openChannelChild(channel!, tag.name, attrs);
      else if (element === inProgramme) openProgrammeChild(programme!, tag.name, attrs);
    } else if (depth === 4 && inRating && tag.name === 'value') {
      capture('rating');
    }
  });

  parser.on('closetag', () => {
    if (field !== null && depth === fieldDepth) finishField();
    if (depth === 3) inRating = false;
    else if (depth === 2) closeTopLevel();
    else if (depth === 1) rootClosed = true;
    depth--;
  });

  function openTopLevel(name: string, attrs: Record<string, string>): void {
    if (name === 'channel') {
      const id = attrs.id?.trim();
      if (!id) return; // a channel nothing can refer to
      noteChannelId(id);
      element = inChannel;
      channel = { id, displayNames: [], icon: null, url: null };
    } else if (name === 'programme') {
      const channelId = attrs.channel?.trim();
      const start = attrs.start === undefined ? null : parseXmltvTime(attrs.start);
      if (!channelId || start === null) {
        element = inSkippedProgramme;
        return;
      }
      const stop = attrs.stop === undefined ? null : parseXmltvTime(attrs.stop);
      noteChannelId(channelId);
      element = inProgramme;
      programme = bareProgramme(channelId, start, stop !== null && stop > start ? stop : null, '');
    }
  }

  function noteChannelId(id: string): void {
    if (id.length > maxChannelIdLength) fail(`guide has a channel id longer than ${maxChannelIdLength} characters`);
    if (allIds.has(id)) return;
    if (allIds.size >= maxChannels) fail(`guide has more than ${maxChannels} channels`);
    allIds.add(id);
  }

  function openChannelChild(c: XmltvChannel, name: string, attrs: Record<string, string>): void {
    if (name === 'display-name') capture('displayNames');
    else if (name === 'icon') c.icon ??= link(attrs.src);
    else if (name === 'url' && c.url === null) capture('url');
  }

  function openProgrammeChild(p: XmltvProgramme, name: string, attrs: Record<string, string>): void {
    const text = programmeTexts[name];
    // The first non-empty one counts (several titles in other languages are common).
    if (text !== undefined) {
      if (!p[text]) capture(text);
    } else if (name === 'category') {
      capture('categories');
    } else if (name === 'episode-num') {
      const system = attrs.system?.trim() ?? 'onscreen'; // the DTD's default
      if (system === 'xmltv_ns' && p.episodeNumXmltvNs === null) capture('episodeNumXmltvNs');
      else if (system === 'onscreen' && p.episodeNumOnscreen === null) capture('episodeNumOnscreen');
    } else if (name === 'icon') {
      p.icon ??= link(attrs.src);
    } else if (name === 'rating') {
      inRating = p.rating === null;
    } else if (name === 'new') {
      p.isNew = true;
    } else if (name === 'previously-shown') {
      p.previouslyShown = true;
    }
  }

  function finishField(): void {
    const value = fieldText.trim();
    const which = field!;
    field = null;
    fieldText = '';
    if (value === '') return;
    if (which === 'displayNames') {
      const names = channel!.displayNames;
      const name = value.slice(0, maxDisplayNameLength);
      if (!names.includes(name) && names.length >= maxDisplayNames)
        fail(`guide has a channel with more than ${maxDisplayNames} display names`);
      addOnce(names, name);
    } else if (which === 'url') channel!.url = link(value);
    else if (which === 'categories') addOnce(programme!.categories, value);
    else {
      programme![which] = value;
      if (which === 'rating') inRating = false;
    }
  }

  function closeTopLevel(): void {
    const kind = element;
    const c = channel;
    const p = programme;
    element = ignored;
    channel = null;
    programme = null;
    if (kind === inSkippedProgramme || (kind === inProgramme && p!.title === '')) {
      // The DTD requires a title and our guide output writes one: without it, skip.
      skipped++;
      return;
    }
    try {
      if (kind === inChannel) {
        if (c!.displayNames.length === 0) c!.displayNames.push(c!.id);
        channelIds.add(c!.id);
        handlers.channel(c!);
      } else if (kind === inProgramme) {
        if (programmes >= maxProgrammes) fail(`guide has more than ${maxProgrammes} programmes`);
        programmes++;
        handlers.programme(p!);
      }
    } catch (error) {
      handlerError = error;
      throw error;
    }
  }

  return {
    write(text) {
      if (!sawContent) {
        const start = text.trimStart();
        if (start === '') return;
        sawContent = true;
        if (start[0] !== '<') fail('not an XMLTV document (not XML)');
      }
      if (!rootSeen && prologue.length < 1024) prologue += text.slice(0, 1024);
      try {
        parser.write(text);
      } catch (error) {
        throw malformed(error);
      }
      const { text: pending, name, entity, piTarget, openWakaBang, attribList } = buffers;
      // A bare "&" (an unescaped "Tom & Jerry" or URL query) sends saxes looking for the ";"
      // that ends an entity name, possibly to the end of the document: name the line it is on.
      if (typeof entity === 'string' && entity !== '' && /[\s<>&"'=/]/.test(entity)) {
        fail(`malformed XML at line ${parser.line - entity.split('\n').length + 1} (unescaped "&")`);
      }
      if ([pending, name, entity, piTarget, openWakaBang].some((b) => typeof b === 'string' && b.length > maxText))
        fail('text too long');
      if (Array.isArray(attribList) && attribList.length > maxAttributes) fail('too many attributes');
    },
    end() {
      if (!sawContent) fail('empty document');
      if (!rootClosed) fail('document ended early (truncated)');
      try {
        parser.close();
      } catch (error) {
        throw malformed(error);
      }
      return { channels: channelIds.size, programmes, skippedProgrammes: skipped };
    },
  };
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** An icon or web link, dropped when longer than any real one. */
function link(value: string | undefined): string | null {
  const text = nonEmpty(value);
  return text !== null && text.length <= maxLinkLength ? text : null;
}

function addOnce(list: string[], value: string): void {
  if (list.length < maxListLength && !list.includes(value)) list.push(value);
}
