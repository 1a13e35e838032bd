// The request and response shapes of `/api`, for the route plugins and for clients (the web UI):
// TypeBox schemas and their `Static` types, with no Fastify or domain code behind them.
export * from './common.js';
export * from './accounts.js';
export * from './channels.js';
export * from './matching.js';
export * from './provider-channels.js';
export * from './xmltv-sources.js';
export * from './events.js';
export * from './sessions.js';
export * from './plex.js';
export * from './system.js';
export * from './auth.js';
export * from './live.js';
export * from './guide.js';
export * from './settings.js';
