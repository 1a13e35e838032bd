// Types of endpoints that are being added on another branch (not in src/api/schemas yet): the lead
// swaps each for the real schema type at merge.

// pending: GET /api/channels/:id/programmes?from&to
export interface ChannelProgrammes {
  items: { start: string; stop: string; title: string; subtitle?: string; description?: string; category?: string }[];
}
