import { describe, expect, it } from 'vitest';
import type { Tier } from '../../src/core/index.js';
import { matchChannels, type EpgChannelInput, type ProviderChannelInput } from '../../src/matching/index.js';

let nextId = 1;
function epg(channelId: string, ...names: string[]): EpgChannelInput {
  return { id: nextId++, channelId, names };
}
function provider(
  name: string,
  options: { epgChannelId?: string; tiers?: Tier[]; accountId?: number } = {},
): ProviderChannelInput {
  return {
    id: nextId++,
    accountId: options.accountId ?? 1,
    name,
    epgChannelId: options.epgChannelId ?? null,
    tiers: options.tiers ?? [],
  };
}
/** Ids of the provider channels matched to an EPG channel, best first. */
function matchedIds(
  epgChannels: EpgChannelInput[],
  providers: ProviderChannelInput[],
  channel: EpgChannelInput,
): number[] {
  return (matchChannels(epgChannels, providers).get(channel.id) ?? []).map((m) => m.providerChannelId);
}

describe('matchChannels', () => {
  it('returns every EPG channel, with an empty list when nothing matches', () => {
    const one = epg('BBCOne.uk', 'BBC One');
    const other = epg('Obscure.uk', 'Obscure Channel');
    const result = matchChannels([one, other], [provider('UK: BBC One')]);
    expect([...result.keys()]).toEqual([one.id, other.id]);
    expect(result.get(other.id)).toEqual([]);
  });

  it('matches provider-style names: country prefixes, tier markers, case, accents', () => {
    const bbc = epg('BBCOne.uk', 'BBC One');
    const reunion = epg('AntenneReunion.fr', 'Antenne Réunion');
    const providers = [
      provider('|UK| BBC ONE', { tiers: ['FHD'] }),
      provider('FRA | ANTENNE REUNION', { tiers: ['HD'] }),
      provider('[UK] bbc one'),
    ];
    const result = matchChannels([bbc, reunion], providers);
    expect(result.get(bbc.id)?.map((m) => m.providerChannelId)).toEqual([providers[0]!.id, providers[2]!.id]);
    expect(result.get(reunion.id)?.map((m) => m.providerChannelId)).toEqual([providers[1]!.id]);
    expect(result.get(bbc.id)?.[0]?.confidence).toBe(1);
  });

  it('never maps a sibling: timeshift, numbered channels, BBC One/Two', () => {
    const channels = [
      epg('BBCOne.uk', 'BBC One'),
      epg('SkySports1.uk', 'Sky Sports 1'),
      epg('ESPN.us', 'ESPN'),
      epg('BBCTwo.uk', 'BBC Two'),
    ];
    const providers = [
      provider('UK: BBC One +1 HD'),
      provider('UK: Sky Sports 2 HD'),
      provider('US | ESPN 2'),
      provider('US | ESPN2 FHD'),
      provider('UK: BBC Two HD'),
    ];
    const result = matchChannels(channels, providers);
    expect(result.get(channels[0]!.id)).toEqual([]);
    expect(result.get(channels[1]!.id)).toEqual([]);
    expect(result.get(channels[2]!.id)).toEqual([]);
    expect(result.get(channels[3]!.id)?.map((m) => m.providerChannelId)).toEqual([providers[4]!.id]);
  });

  it('keeps each timeshift and number with its own channel when both exist', () => {
    const one = epg('BBCOne.uk', 'BBC One');
    const onePlus = epg('BBCOne.uk@Plus1', 'BBC One +1');
    const espn = epg('ESPN.us', 'ESPN');
    const espn2 = epg('ESPN2.us', 'ESPN2');
    const p = [provider('UK: BBC One +1'), provider('UK: BBC One'), provider('US: ESPN 2'), provider('US: ESPN')];
    const channels = [one, onePlus, espn, espn2];
    expect(matchedIds(channels, p, one)).toEqual([p[1]!.id]);
    expect(matchedIds(channels, p, onePlus)).toEqual([p[0]!.id]);
    expect(matchedIds(channels, p, espn)).toEqual([p[3]!.id]);
    expect(matchedIds(channels, p, espn2)).toEqual([p[2]!.id]);
  });

  it('reads spelled-out numbers as numbers', () => {
    const four = epg('BBCFour.uk', 'BBC Four');
    const p = [provider('UK: BBC 4 HD'), provider('UK: BBC Three')];
    expect(matchedIds([four], p, four)).toEqual([p[0]!.id]);
  });

  it('matches a lineup channel promoted from a provider channel, prefix and all, to that channel', () => {
    const promoted = epg('tunerbridge-17', 'UK: Foo Local');
    const p = [provider('UK: Foo Local HD', { tiers: ['HD'] }), provider('UK - Foo Local Two')];
    expect(matchedIds([promoted], p, promoted)).toEqual([p[0]!.id]);
  });

  it('matches a guide channel that has no display-name (named by its id)', () => {
    const bare = epg('BBCOne.uk');
    const byId = epg('ITV1.uk', 'ITV1.uk');
    const p = [provider('UK: BBC One HD'), provider('UK: ITV 1')];
    const channels = [bare, byId];
    expect(matchedIds(channels, p, bare)).toEqual([p[0]!.id]);
    expect(matchedIds(channels, p, byId)).toEqual([p[1]!.id]);
  });

  it('never matches separator rows', () => {
    const sports = epg('UKSports.uk', 'UK Sports');
    const general = epg('USGeneral.us', 'US General');
    const p = [provider('##### UK SPORTS #####'), provider('★★★ US GENERAL ★★★')];
    const result = matchChannels([sports, general], p);
    expect(result.get(sports.id)).toEqual([]);
    expect(result.get(general.id)).toEqual([]);
  });

  it('compares every display-name of the EPG channel', () => {
    const channel = epg('MDF1.de', 'MDF.1 Fernsehen', 'MDF 1');
    const p = [provider('DE: MDF.1 ᵁᴴᴰ')];
    expect(matchedIds([channel], p, channel)).toEqual([p[0]!.id]);
  });

  it('uses a matching epg_channel_id as strong evidence, also with an @feed suffix', () => {
    const shout = epg('ShoutFactoryTV.us', 'Shout Factory TV');
    // The name alone is too weak a match; the provider's own XMLTV id confirms it.
    expect(matchChannels([shout], [provider('|US| Shout! TV')]).get(shout.id)).toEqual([]);
    const p = [provider('|US| Shout! TV', { epgChannelId: 'ShoutFactoryTV.us@SD' })];
    const result = matchChannels([shout], p).get(shout.id) ?? [];
    expect(result.map((m) => m.providerChannelId)).toEqual([p[0]!.id]);
    expect(result[0]!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('does not trust an epg_channel_id whose channel the name clearly contradicts', () => {
    const powerNation = epg('PowerNationTV.us', 'PowerNation TV');
    const today = epg('TodayAllDay.us', 'TODAY All Day');
    const espn = epg('ESPN.us', 'ESPN');
    const p = [
      provider('|US| TODAY All Day 1080p', { epgChannelId: 'PowerNationTV.us' }),
      provider('US | ESPN 2', { epgChannelId: 'ESPN.us' }),
    ];
    const result = matchChannels([powerNation, today, espn], p);
    expect(result.get(powerNation.id)).toEqual([]);
    expect(result.get(today.id)?.map((m) => m.providerChannelId)).toEqual([p[0]!.id]);
    expect(result.get(espn.id)).toEqual([]);
  });

  it('puts a provider channel under one EPG channel only: the best one', () => {
    const exact = epg('FoxNews.us', 'Fox News');
    const fuzzy = epg('FoxNewsChannel.us', 'Fox News Channel');
    const p = [provider('US | FOX NEWS')];
    const result = matchChannels([fuzzy, exact], p);
    const all = [...result.values()].flat().map((m) => m.providerChannelId);
    expect(all).toEqual([p[0]!.id]);
    expect(result.get(exact.id)?.map((m) => m.providerChannelId)).toEqual([p[0]!.id]);
  });

  it('orders candidates by confidence, then by the better tier', () => {
    const channel = epg('DiscoveryChannel.us', 'Discovery Channel');
    const sd = provider('US | Discovery Channel', { tiers: ['SD'], accountId: 1 });
    const uhd = provider('US | Discovery Channel', { tiers: ['HD', '4K'], accountId: 2 });
    const fuzzy = provider('US | Discovery Chanel', { tiers: ['4K'], accountId: 3 });
    const result = matchChannels([channel], [sd, fuzzy, uhd]).get(channel.id) ?? [];
    expect(result.map((m) => m.providerChannelId)).toEqual([uhd.id, sd.id, fuzzy.id]);
    expect(result[0]!.confidence).toBe(1);
    expect(result[2]!.confidence).toBeLessThan(1);
    expect(result[2]!.confidence).toBeGreaterThanOrEqual(0.85);
  });

  it('applies the threshold (default 0.85) to the confidence', () => {
    const channel = epg('DiscoveryChannel.us', 'Discovery Channel');
    const p = [provider('US | Discovery Chanel')];
    const confidence = matchChannels([channel], p).get(channel.id)?.[0]?.confidence ?? 0;
    expect(confidence).toBeGreaterThanOrEqual(0.85);
    expect(confidence).toBeLessThan(1);
    expect(matchChannels([channel], p, { threshold: 0.99 }).get(channel.id)).toEqual([]);
    const westerns = epg('PlutoTVWesterns.us', 'Pluto TV Westerns');
    const comedy = [provider('US: Pluto TV Comedy')];
    expect(matchChannels([westerns], comedy).get(westerns.id)).toEqual([]);
    expect(
      matchChannels([westerns], comedy, { threshold: 0.5 })
        .get(westerns.id)
        ?.map((m) => m.providerChannelId),
    ).toEqual([comedy[0]!.id]);
  });

  it('separates same-named channels of different countries by the prefix and the XMLTV id', () => {
    const uk = epg('Discovery.uk', 'Discovery');
    const us = epg('Discovery.us', 'Discovery');
    const p = [provider('US: Discovery'), provider('UK: Discovery HD')];
    const channels = [uk, us];
    expect(matchedIds(channels, p, uk)).toEqual([p[1]!.id]);
    expect(matchedIds(channels, p, us)).toEqual([p[0]!.id]);
  });

  it('keeps East and West (Pacific) feeds apart', () => {
    const east = epg('HBO.us@East', 'HBO East');
    const west = epg('HBO.us@West', 'HBO - Pacific');
    const p = [provider('US: HBO West'), provider('US: HBO East HD'), provider('US: HBO')];
    const channels = [east, west];
    expect(matchedIds(channels, p, east)).toEqual([p[1]!.id, p[2]!.id]);
    expect(matchedIds(channels, p, west)).toEqual([p[0]!.id]);
  });

  it('matches local stations by call sign and digital sub-channel', () => {
    const kaal = epg('KAAL61.us', 'ABC (KAAL) Austin, MN');
    const wjw2 = epg('WJWDT2.us', 'Antenna TV (WJW-DT2) Cleveland, OH');
    const p = [
      provider('[US] ABC 6 Austin TX (KAAL)'),
      provider('[US] WJW-DT1'),
      provider('[US] Antenna TV (WJW DT-2)'),
    ];
    const channels = [kaal, wjw2];
    expect(matchedIds(channels, p, kaal)).toEqual([p[0]!.id]);
    expect(matchedIds(channels, p, wjw2)).toEqual([p[2]!.id]);
  });

  it('reads low-power and Mexican call signs', () => {
    const kbpx = epg('KBPXLD5.us', 'GEB TV');
    const xew = epg('XEWTDT.mx', 'Las Estrellas');
    const p = [
      provider('[US] Geb Tv (KBPX LD5) HD'),
      provider('[US] Geb Tv (KBPX LD4)'),
      provider('MX: Canal de las Estrellas (XEW-TDT)'),
    ];
    const channels = [kbpx, xew];
    expect(matchedIds(channels, p, kbpx)).toEqual([p[0]!.id]);
    expect(matchedIds(channels, p, xew)).toEqual([p[2]!.id]);
  });

  it('tells stations apart by call sign, but does not take a network name for one', () => {
    const kcci = epg('KCCI81.us', 'CBS (KCCI) Des Moines');
    const p = [provider('[US] CBS Des Moines'), provider('[US] CBS Des Moines (KDSM)')];
    expect(matchedIds([kcci], p, kcci)).toEqual([p[0]!.id]);
  });

  it('drops a trailing country word only for the name’s own country', () => {
    const crime = epg('TrueCrime.uk', 'True Crime UK');
    const style = epg('QVCStyle.de', 'QVC Style');
    const p = [provider('UK: TRUE CRIME'), provider('DE: QVC STYLE GERMANY')];
    expect(matchedIds([crime, style], p, crime)).toEqual([p[0]!.id]);
    expect(matchedIds([crime, style], p, style)).toEqual([p[1]!.id]);
  });

  it('reads a trailing country word as the country when there is no prefix', () => {
    const austria = epg('SkySportAustria.at', 'Sky Sport Austria');
    const germany = epg('SkySport.de', 'Sky Sport');
    const bbc = epg('BBCOne.uk', 'BBC One');
    const p = [provider('Sky Sport Austria HD'), provider('DE: Sky Sport'), provider('BBC One UK')];
    const channels = [germany, austria, bbc];
    expect(matchedIds(channels, p, austria)).toEqual([p[0]!.id]);
    expect(matchedIds(channels, p, germany)).toEqual([p[1]!.id]);
    expect(matchedIds(channels, p, bbc)).toEqual([p[2]!.id]);
  });

  it.each([
    ['National Geographic', 'US: National Geographic Wild'],
    ['CBS Sports Network', 'US: CBS Sports HQ'],
    ['Comedy Central', 'UK: Comedy Central Extra'],
    ['Rai Uno', 'IT: Rai Due'],
    ['Sky Cinema Action', 'UK: Sky Cinema Comedy'],
    ['Eurosport 1', 'DE: Eurosport 2'],
    ['Antiques Roadshow', 'US: Antiques Road Trip'],
    ['ITV', 'UK: ITVBe'],
    ['ESPN', 'US: ESPNU'],
    ['Nick Jr', 'US: Nick Jr. Too'],
  ])('keeps %j apart from its sibling %j', (epgName, providerName) => {
    const channel = epg('Parent.us', epgName);
    expect(matchChannels([channel], [provider(providerName)]).get(channel.id)).toEqual([]);
  });

  it.each([
    ['BBC One', 'UK: BBC One +1'],
    ['Sky Sports 1', 'UK: Sky Sports 2'],
    ['HBO East', 'US: HBO West'],
    ['ITV', 'UK: ITVBe'],
  ])('keeps %j apart from %j even when the provider tags it with that channel’s id', (epgName, providerName) => {
    const channel = epg('Parent.uk', epgName);
    expect(matchChannels([channel], [provider(providerName, { epgChannelId: 'Parent.uk' })]).get(channel.id)).toEqual(
      [],
    );
  });

  it('does not treat a spin-off as the channel it extends', () => {
    const espn = epg('ESPNDeportes.us', 'ESPN Deportes');
    const cinema = epg('SkyCinema.uk', 'Sky Cinema Premiere');
    const p = [provider('US: ESPN Deportes News'), provider('UK: Sky Cinema Premiere Action')];
    const result = matchChannels([espn, cinema], p);
    expect(result.get(espn.id)).toEqual([]);
    expect(result.get(cinema.id)).toEqual([]);
  });
});
