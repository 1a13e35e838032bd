/** `%text%` for `LIKE … ESCAPE '\'` with the wildcards in the user's text taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
