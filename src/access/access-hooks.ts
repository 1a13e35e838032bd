import type { onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../core/index.js';
import type { AccessPolicy } from './access-policy.js';

/**
 * onRequest hook for the tuner surface: a client outside `--allow-cidr` gets 403 before any route
 * runs. `request.ip` is the socket peer, or the X-Forwarded-For client when the peer is a `--trusted-proxy`.
 */
export function tunerClientCheck(policy: Pick<AccessPolicy, 'isTunerClientAllowed'>): onRequestAsyncHookHandler {
  return async (request) => {
    if (!policy.isTunerClientAllowed(request.ip))
      throw new AppError('FORBIDDEN', 'forbidden', { details: { client: request.ip } });
  };
}

/**
 * onRequest hook for the admin API against DNS rebinding: a page on `evil.example` whose name now
 * resolves to this machine sends `Host: evil.example`, which names neither this machine nor an
 * allowed host, so it is refused before authentication is even looked at.
 */
export function adminHostCheck(policy: Pick<AccessPolicy, 'isAllowedAdminHost'>): onRequestAsyncHookHandler {
  return async (request) => {
    // request.host: the Host header, or X-Forwarded-Host when the peer is a trusted proxy.
    if (!policy.isAllowedAdminHost(request.host))
      throw new AppError('FORBIDDEN', 'forbidden host', { details: { host: request.host.slice(0, 255) } });
  };
}
