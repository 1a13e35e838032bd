/** Parses a JSON column, falling back when the stored text is not valid JSON. */
export function parseJsonColumn<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** SQLite booleans are 0/1. */
export const toSqlBool = (value: boolean): 0 | 1 => (value ? 1 : 0);
