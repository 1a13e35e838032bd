// North American broadcast stations are named by network, city and channel number in provider
// lists ("[US] ABC 6 Austin TX (KAAL)", "[US] KABC-DT1") but by call sign in XMLTV ids
// ("KAAL61.us", "KABCTV71.us", "CBETDT.ca"). The call sign, plus the digital sub-channel
// (DT2 is another programme service than DT1), identifies the station where the names cannot.

/** A station: call sign and digital sub-channel (1 when not given). */
export interface Station {
  callSign: string;
  subchannel: number;
  /** Written as only a call sign is ("(KAAL)", "KABC-DT1"), not a bare upper-case word ("CBS", "KIDS"). */
  certain?: boolean;
}

// XMLTV id base: call sign, optional service suffix, then major+minor channel digits ("KAAL61": 6.1).
const stationId = /^([KW][A-Z]{2,3}|C[A-Z]{2,4}|X[EH][A-Z]{1,4})(TDT|TV|DT|LD|CD|HD)?(\d*)$/;

/** The station an XMLTV id names ("KAAL61.us" → KAAL sub-channel 1); null for ids of other channels. */
export function stationOfXmltvId(id: string): Station | null {
  const [base = ''] = id.split('@');
  const dot = base.lastIndexOf('.');
  const country = dot >= 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (country !== 'us' && country !== 'ca' && country !== 'mx') return null;
  const match = stationId.exec(dot >= 0 ? base.slice(0, dot) : base);
  if (!match) return null;
  const [, callSign = '', suffix, digits = ''] = match;
  // A bare network name ("CBS.us", "CNN.us") has neither a suffix nor channel digits.
  if (suffix === undefined && digits === '') return null;
  // Call-sign letters are national: K/W in the US, C in Canada, XE/XH in Mexico.
  if (callSign.startsWith('C') !== (country === 'ca') || callSign.startsWith('X') !== (country === 'mx')) return null;
  // The last digit is the minor channel when there are major digits before it ("KVCRDT242": 24.2).
  // A single digit after DT/LD/CD is the sub-channel itself ("KOBDT1", "KBPXLD5").
  const single = digits.length === 1 && /^(?:T?DT|LD|CD)$/.test(suffix ?? '');
  const subchannel = digits.length >= 2 ? Number(digits.slice(-1)) : single ? Number(digits) : 1;
  return { callSign, subchannel: subchannel || 1 };
}

// In a name: an upper-case call sign, optionally "-TV", "-DT1", " DT-2", "-LD", "-TDT". Canadian ones
// may have five letters ("CBWFT").
const stationInName =
  /(?<![A-Za-z0-9])(\(?)([KW][A-Z]{2,3}|C[A-Z]{2,4}|X[EH][A-Z]{1,4})((?:[- ]?(?:TV|LD|CD)(\d)?)?(?:[- ]?T?DT[- ]?(\d)?)?)(?![A-Za-z])(\)?)/g;

/** Call signs (with sub-channel) written in a provider or EPG name. */
export function stationsInName(name: string): Station[] {
  const found: Station[] = [];
  for (const match of name.matchAll(stationInName)) {
    const [, open, callSign = '', suffix, lowPowerSub, digitalSub, close] = match;
    const certain = (open === '(' && close === ')') || suffix !== '';
    const subchannel = digitalSub ?? lowPowerSub;
    found.push({ callSign, subchannel: subchannel === undefined ? 1 : Number(subchannel), certain });
  }
  return found;
}

/** True when a name names the station (same call sign and sub-channel). */
export function namesStation(stations: readonly Station[], station: Station): boolean {
  return stations.some((s) => s.callSign === station.callSign && s.subchannel === station.subchannel);
}
