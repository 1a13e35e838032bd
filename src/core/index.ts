export * from './errors.js';
export * from './config.js';
export * from './logger.js';
export * from './clock.js';
export * from './validation.js';
export * from './tier.js';
export * from './xml-escape.js';
export * from './http-errors.js';
