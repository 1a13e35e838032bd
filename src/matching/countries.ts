// Country codes as providers write them in name prefixes, mapped to the ISO 3166 alpha-2 code
// that XMLTV ids (iptv-org style "BBCOne.uk") carry. "uk" is iptv-org's code for GB.
const alpha2 =
  'ad ae af ag al am ao ar at au az ba bb bd be bf bg bh bi bj bn bo br bs bt bw by bz ca cd cf cg ch ci cl cm cn co cr cu cv cy cz ' +
  'de dj dk dm do dz ec ee eg er es et fi fj fr ga gd ge gh gm gn gq gr gt gw gy hk hn hr ht hu id ie il in iq ir is it jm jo jp ' +
  'ke kg kh km kn kp kr kw kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mk ml mm mn mo mr mt mu mv mw mx my mz na ne ng ni nl ' +
  'no np nz om pa pe pg ph pk pl pr ps pt py qa ro rs ru rw sa sc sd se sg si sk sl sm sn so sr ss st sv sy sz td tg th tj tl tm tn ' +
  'tr tt tw tz ua ug uk us uy uz va vc ve vn ye za zm zw';

const aliases: Record<string, string> = {
  gb: 'uk',
  eng: 'uk',
  usa: 'us',
  can: 'ca',
  ger: 'de',
  deu: 'de',
  fra: 'fr',
  esp: 'es',
  spa: 'es',
  ita: 'it',
  por: 'pt',
  prt: 'pt',
  nld: 'nl',
  ned: 'nl',
  hol: 'nl',
  bel: 'be',
  sui: 'ch',
  che: 'ch',
  aut: 'at',
  swe: 'se',
  nor: 'no',
  den: 'dk',
  dnk: 'dk',
  fin: 'fi',
  pol: 'pl',
  tur: 'tr',
  gre: 'gr',
  grc: 'gr',
  rus: 'ru',
  ukr: 'ua',
  rou: 'ro',
  rom: 'ro',
  bul: 'bg',
  hun: 'hu',
  cze: 'cz',
  svk: 'sk',
  cro: 'hr',
  hrv: 'hr',
  srb: 'rs',
  slo: 'si',
  svn: 'si',
  alb: 'al',
  mkd: 'mk',
  bih: 'ba',
  irl: 'ie',
  isr: 'il',
  ind: 'in',
  pak: 'pk',
  ban: 'bd',
  bgd: 'bd',
  aus: 'au',
  nzl: 'nz',
  bra: 'br',
  arg: 'ar',
  mex: 'mx',
  chl: 'cl',
  chi: 'cl',
  col: 'co',
  per: 'pe',
  ven: 've',
  jpn: 'jp',
  kor: 'kr',
  chn: 'cn',
  phi: 'ph',
  phl: 'ph',
  tha: 'th',
  vnm: 'vn',
  idn: 'id',
  mys: 'my',
  sgp: 'sg',
  zaf: 'za',
  rsa: 'za',
  nga: 'ng',
  egy: 'eg',
  mar: 'ma',
  tun: 'tn',
  alg: 'dz',
  dza: 'dz',
  ksa: 'sa',
  sau: 'sa',
  uae: 'ae',
  are: 'ae',
  qat: 'qa',
  kwt: 'kw',
  leb: 'lb',
  lbn: 'lb',
  irn: 'ir',
  irq: 'iq',
  afg: 'af',
  arm: 'am',
  aze: 'az',
  geo: 'ge',
  kaz: 'kz',
  lva: 'lv',
  ltu: 'lt',
  est: 'ee',
  lux: 'lu',
  mlt: 'mt',
  cyp: 'cy',
  isl: 'is',
  ice: 'is',
  quebec: 'ca',
  qc: 'ca',
  gbr: 'uk',
  jor: 'jo',
  syr: 'sy',
  omn: 'om',
  bhr: 'bh',
  yem: 'ye',
  lby: 'ly',
  gha: 'gh',
  ken: 'ke',
  eth: 'et',
  ecu: 'ec',
  bol: 'bo',
  pry: 'py',
  ury: 'uy',
  uru: 'uy',
  cri: 'cr',
  pan: 'pa',
  dom: 'do',
  pri: 'pr',
  cub: 'cu',
  gtm: 'gt',
  hnd: 'hn',
  slv: 'sv',
  nic: 'ni',
  blr: 'by',
  uzb: 'uz',
  bgr: 'bg',
  mne: 'me',
  lka: 'lk',
  npl: 'np',
};

const known = new Set(alpha2.split(' '));

/** The alpha-2 country a prefix code names ("UK", "USA", "GER" → uk, us, de); undefined when it is not a country. */
export function countryOfCode(code: string): string | undefined {
  const lower = code.toLowerCase();
  // Regional groups ("EX-YU", "LATAM", "ARAB") are prefixes without a single country; so are codes
  // providers use for a region or language as often as for the country: "AR" (Arabic/Argentina),
  // "AF" (Africa/Afghanistan), "LA" (Latin America/Laos), "SC" (Scandinavia/Seychelles).
  if (/^(?:ex-?yu|latam|lat|arab|ar|af|afr|la|sc|asia|eu|int|intl|world|mena)$/.test(lower)) return '';
  if (aliases[lower] !== undefined) return aliases[lower];
  if (known.has(lower)) return lower;
  return undefined;
}

/** The country of an XMLTV id in iptv-org style ("BBCOne.uk", "ABC.us@East" → uk, us); null when it has none. */
export function countryOfXmltvId(id: string): string | null {
  const match = /\.([a-z]{2})(?:@|$)/i.exec(id);
  if (!match) return null;
  const code = match[1]!.toLowerCase();
  return code === 'gb' ? 'uk' : code;
}

// Country words inside names ("True Crime UK", "QVC Style Germany", "Sky Sport Austria"), by country.
const countryNames: Record<string, string> = {
  uk: 'uk',
  gb: 'uk',
  britain: 'uk',
  british: 'uk',
  england: 'uk',
  us: 'us',
  usa: 'us',
  germany: 'de',
  deutschland: 'de',
  german: 'de',
  france: 'fr',
  canada: 'ca',
  canadian: 'ca',
  austria: 'at',
  osterreich: 'at',
  schweiz: 'ch',
  suisse: 'ch',
  switzerland: 'ch',
  espana: 'es',
  spain: 'es',
  italia: 'it',
  italy: 'it',
  portugal: 'pt',
  nederland: 'nl',
  netherlands: 'nl',
  holland: 'nl',
  belgium: 'be',
  belgique: 'be',
  belgie: 'be',
  polska: 'pl',
  poland: 'pl',
  turkiye: 'tr',
  turkey: 'tr',
  greece: 'gr',
  romania: 'ro',
  sverige: 'se',
  sweden: 'se',
  norge: 'no',
  norway: 'no',
  danmark: 'dk',
  denmark: 'dk',
  suomi: 'fi',
  finland: 'fi',
  brasil: 'br',
  brazil: 'br',
  mexico: 'mx',
  argentina: 'ar',
  india: 'in',
  australia: 'au',
  ireland: 'ie',
  eire: 'ie',
};

/** The country a word of a name stands for ("germany" → de, "usa" → us); undefined for other words. */
export function countryOfWord(word: string): string | undefined {
  return countryNames[word];
}

/** The country of a leading flag emoji ("🇬🇧 BBC One" → uk), or null. */
export function countryOfFlag(name: string): string | null {
  const match = /^\s*([\u{1F1E6}-\u{1F1FF}])([\u{1F1E6}-\u{1F1FF}])/u.exec(name);
  if (!match) return null;
  const letter = (c: string) => String.fromCharCode(c.codePointAt(0)! - 0x1f1e6 + 97);
  return countryOfCode(letter(match[1]!) + letter(match[2]!)) || null;
}
