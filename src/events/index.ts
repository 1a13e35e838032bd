export { EventLog, type AppEvent, type EventInput, type EventLevel, type EventQuery } from './event-log.js';
