// Types of endpoints that are not on main yet. The lead swaps each for the real schema type
// (web/src/api/types.ts) at merge; nothing else should be added here.

// pending: GET /api/guide?from&to&offset&limit
/** A page of enabled channels, each with its programmes between `from` and `to`. */
export interface GuideGridPage {
  channels: {
    id: number;
    number: number | null;
    name: string;
    logo: string | null;
    programmes: {
      start: string;
      stop: string;
      title: string;
      subtitle?: string;
      description?: string;
      category?: string;
    }[];
  }[];
  total: number;
  from: string;
  to: string;
}
