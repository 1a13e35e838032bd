// Word lists that decide how names compare. Lower-case, accent-free, as `foldText` leaves them.

// Words that name a quality of most channels, not which channel: they count little.
export const genericWords = new Set([
  'tv', 'channel', 'network', 'canal', 'kanal', 'kanaal', 'fernsehen', 'the', 'and',
  'of', 'by', 'de', 'la', 'le', 'les', 'der', 'die', 'das', 'el', 'il', 'del', 'di', 'du', 'des', 'het', 'den', 'det',
]);
// Spelled-out numbers are numbers: "BBC Four" = "BBC 4", "QVC Zwei" = "QVC 2".
export const numberWords: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eins: '1', zwei: '2', drei: '3', vier: '4', deux: '2', trois: '3', quatre: '4', cinq: '5', uno: '1', due: '2',
  tre: '3', quattro: '4', cinque: '5', dos: '2', tres: '3', cuatro: '4', cinco: '5', dois: '2', twee: '2', drie: '3',
};
// Spellings of one word: "Vosges Télévision" = "Vosges TV".
export const synonyms: Record<string, string> = { television: 'tv', televisao: 'tv', televisione: 'tv', televizija: 'tv', televizyon: 'tv', teve: 'tv' };
// Feeds of one network that are different channels: "HBO East" ≠ "HBO West" (Pacific is the West feed).
export const feedWords: Record<string, string> = { east: 'east', eastern: 'east', west: 'west', pacific: 'west' };
// Words that make a spin-off when added to a name ("ESPN" → "ESPN News", "Sky Cinema" → "Sky Cinema
// Action"): a name contained in a longer one is the same channel only when none of these is the extra.
export const spinOffWords = new Set([
  'news', 'sport', 'sports', 'junior', 'jr', 'kids', 'kid', 'max', 'extra', 'xtra', 'classic', 'classics', 'gold', 'life',
  'action', 'comedy', 'family', 'cinema', 'movies', 'movie', 'film', 'films', 'premiere', 'plus', 'hits', 'music',
  'live', 'world', 'international', 'latino', 'latin', 'espanol', 'en', 'deportes', 'now', 'mix', 'select', 'prime',
  'replay', 'more', 'xl', 'africa', 'asia', 'europe', 'america', 'arabia', 'info', 'doku', 'docs', 'crime', 'history',
  'science', 'nature', 'wild', 'racing', 'golf', 'football', 'soccer', 'tennis', 'cricket', 'baseball', 'basketball',
  'hockey', 'nfl', 'nba', 'nhl', 'mlb', 'ppv', 'events', 'event', 'arena', 'reserve', 'showcase', 'premium', 'pop',
  'rock', 'country', 'dance', 'urban', 'hd', 'uhd', 'red', 'button', 'local', 'regional', 'weather', 'business',
  'noticias', 'deporte', 'novelas', 'cine', 'serie', 'series', 'infantil', 'notizie', 'nieuws', 'nachrichten',
]);
