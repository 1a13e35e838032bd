import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isoTime } from '../core/index.js';
import type { GridChannel, GuideGrid } from '../guide-output/index.js';
import { IdParams } from './schemas/common.js';
import { ChannelProgrammes, GuidePage, GuideQuery, GuideWindowQuery } from './schemas/guide.js';

/** The guide for the UI: `GET /api/channels/:id/programmes` and `GET /api/guide` (an EPG grid page). */
export const guideRoutes: FastifyPluginAsyncTypebox<{ grid: GuideGrid }> = async (api, { grid }) => {
  api.get(
    '/channels/:id/programmes',
    { schema: { params: IdParams, querystring: GuideWindowQuery, response: { 200: ChannelProgrammes } } },
    async (request) => {
      const window = grid.window(request.query.from, request.query.to);
      return {
        from: isoTime(window.from),
        to: isoTime(window.to),
        channel: channelView(grid.channel(request.params.id, window)),
      };
    },
  );

  api.get('/guide', { schema: { querystring: GuideQuery, response: { 200: GuidePage } } }, async (request) => {
    const window = grid.window(request.query.from, request.query.to);
    const page = grid.page(window, { offset: request.query.offset ?? 0, limit: request.query.limit ?? 50 });
    return {
      from: isoTime(window.from),
      to: isoTime(window.to),
      total: page.total,
      channels: page.channels.map(channelView),
    };
  });
};

function channelView(channel: GridChannel) {
  return {
    ...channel,
    programmes: channel.programmes.map((p) => ({ ...p, start: isoTime(p.start), stop: isoTime(p.stop) })),
  };
}
