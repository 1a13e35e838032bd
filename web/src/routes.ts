/**
 * The UI's sections: the first segment of every client route. The server answers these paths with
 * the UI's page (src/web-ui keeps the same list; a test compares them), so none may be a tuner or
 * API path.
 */
export const sections = [
  'setup',
  'lineup',
  'channels',
  'providers',
  'guide',
  'accounts',
  'live',
  'events',
  'settings',
] as const;

export type Section = (typeof sections)[number];
