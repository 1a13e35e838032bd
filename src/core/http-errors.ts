import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './logger.js';

/*
 * Errors that never reach the app's error handler, rendered the same way: short JSON
 * `{"error": "..."}`, no echo of the URL, no `FST_` code. Fastify's defaults put both in the body
 * (`'/stream/%E0%A4%A' is not a valid url component`), and a URL can carry a provider password.
 */

/** Fastify's `frameworkErrors`: a bad percent-encoding in the path (400) or a route parameter past maxParamLength (414). */
export function renderFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [status, message] =
    error.code === 'FST_ERR_BAD_URL'
      ? [400, 'bad URL encoding']
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? [414, 'URI too long']
        : [500, 'internal error'];
  request.log[status >= 500 ? 'error' : 'info']({ code: error.code }, 'request refused before routing');
  void reply.code(status).send({ error: message });
}

/**
 * A `clientErrorHandler` for requests Node's HTTP parser rejects before Fastify sees them:
 * headers or request line too large (431), a malformed request line or header (400), a timeout
 * (408). Only the parser's code is logged: `rawPacket` holds the request bytes, Authorization
 * header and all.
 */
export function clientErrorRenderer(log: Logger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request headers too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request timeout']
          : [400, 'bad request'];
    log.debug({ code: error.code, status }, 'malformed request');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
  };
}
