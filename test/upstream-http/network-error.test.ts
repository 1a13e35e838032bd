import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { classifyNetworkError, createUpstreamAgent, type NetworkErrorClass } from '../../src/upstream-http/index.js';
import { fixturePath } from '../support/paths.js';
import { closedPort, startLoopbackServer, startSilentTcpServer } from './loopback-server.js';

/** What a request (and reading its body) through `dispatcher` fails with, classified. */
async function failureOf(
  url: string,
  dispatcher: Dispatcher,
  options: Partial<Dispatcher.RequestOptions> = {},
): Promise<NetworkErrorClass> {
  try {
    const response = await request(url, { dispatcher, ...options });
    await response.body.text();
  } catch (error) {
    return classifyNetworkError(error);
  }
  throw new Error(`${url} did not fail`);
}

/** The classes the three upstream callers (provider API, streams, guides) act on, from real sockets. */
describe('classifyNetworkError', () => {
  const agent = createUpstreamAgent({ connectTimeoutMs: 300 });
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  afterAll(() => agent.close());

  it('a closed port is refused', async () => {
    expect(await failureOf(`http://127.0.0.1:${await closedPort()}/`, agent)).toEqual({
      reason: 'refused',
      code: 'ECONNREFUSED',
    });
  });

  it('a connect that never completes (TLS handshake unanswered) is a timeout', async () => {
    const silent = await startSilentTcpServer();
    servers.push(silent);
    expect(await failureOf(`https://127.0.0.1:${silent.port}/`, agent)).toEqual({
      reason: 'timeout',
      code: 'UND_ERR_CONNECT_TIMEOUT',
    });
  });

  it('no headers in time and a body gone quiet are timeouts', async () => {
    const server = await startLoopbackServer((req, res) => {
      if (req.url === '/quiet-body') res.writeHead(200).write('first bytes, then nothing');
      // '/no-answer': never answers
    });
    servers.push(server);
    expect(await failureOf(`${server.url}/no-answer`, agent, { headersTimeout: 100 })).toEqual({
      reason: 'timeout',
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
    expect(await failureOf(`${server.url}/quiet-body`, agent, { bodyTimeout: 100 })).toEqual({
      reason: 'timeout',
      code: 'UND_ERR_BODY_TIMEOUT',
    });
    expect(await failureOf(`${server.url}/no-answer`, agent, { signal: AbortSignal.timeout(100) })).toMatchObject({
      reason: 'timeout',
    });
  });

  it('a connection reset or closed under the request is unreachable', async () => {
    const server = await startLoopbackServer((req) => {
      if (req.url === '/reset') req.socket.resetAndDestroy();
      else req.socket.destroy();
    });
    servers.push(server);
    expect(await failureOf(`${server.url}/reset`, agent)).toEqual({ reason: 'unreachable', code: 'ECONNRESET' });
    expect(await failureOf(`${server.url}/closed`, agent)).toEqual({ reason: 'unreachable', code: 'UND_ERR_SOCKET' });
  });

  it('a caller’s abort is aborted', async () => {
    const server = await startLoopbackServer(() => undefined);
    servers.push(server);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await failureOf(`${server.url}/`, agent, { signal: controller.signal })).toMatchObject({
      reason: 'aborted',
    });
  });

  it('anything else (an untrusted certificate, a plain Error) is an error, keeping its code', async () => {
    const server = createHttpsServer(
      { cert: readFileSync(fixturePath('localhost-cert.pem')), key: readFileSync(fixturePath('localhost-key.pem')) },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const tls = await failureOf(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`, agent);
    expect(tls.reason).toBe('error');
    expect(tls.code).toMatch(/CERT|SELF_SIGNED/);
    expect(classifyNetworkError(new Error('boom'))).toEqual({ reason: 'error', code: undefined });
  });

  it('finds the code on a wrapped cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(Object.assign(new Error('fetch failed', { cause }), { code: 'UND_ERR' }))).toEqual({
      reason: 'refused',
      code: 'ECONNREFUSED',
    });
  });
});
