/** The API's range for a GuideNumber (src/api/schemas/channels.ts). */
export const minChannelNumber = 1;
export const maxChannelNumber = 999_999;

export type NumberCheck = { ok: true; value: number } | { ok: false; error: string };

/** Checks what the user typed as a channel number before it is sent (the server still decides if it is taken). */
export function checkChannelNumber(input: string | number | null | undefined): NumberCheck {
  const text = typeof input === 'number' ? String(input) : (input ?? '').trim();
  if (text === '') return { ok: false, error: 'Enter a number' };
  if (!/^\d+$/.test(text)) return { ok: false, error: 'Whole numbers only' };
  const value = Number(text);
  if (value < minChannelNumber || value > maxChannelNumber)
    return { ok: false, error: `Between ${minChannelNumber} and ${maxChannelNumber}` };
  return { ok: true, value };
}
