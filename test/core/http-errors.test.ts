import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';

/** Sends raw bytes (requests no HTTP client would build) and reads until the server closes. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('utf8')));
    socket.on('close', () => resolve(response));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parse(response: string): Parsed {
  const [head = '', body = ''] = response.split('\r\n\r\n', 2);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  const chunked = headers['transfer-encoding'] === 'chunked';
  return { status: Number(statusLine.split(' ')[1]), headers, body: chunked ? dechunk(body) : body };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

const secretPath = 'live/alice/s3cr3t-pw';

describe('every error, Fastify and Node HTTP parser ones included, is short JSON from one place', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  function expectJsonError(response: Parsed, status: number, error: string): void {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({ error });
    expect(response.body).not.toMatch(/FST_|s3cr3t|%E0/);
  }

  it.each([
    ['/stream/%E0%A4%A', 400, 'bad URL encoding'],
    [`/api/accounts/%E0%A4%A?${secretPath}`, 400, 'bad URL encoding'],
    [`/api/accounts/${'1'.repeat(200)}`, 414, 'URI too long'],
    [`/api/xmltv-sources/s3cr3t${'9'.repeat(200)}/refresh`, 414, 'URI too long'],
  ])('GET %s → %i, through a real socket and through inject', async (path, status, error) => {
    const response = parse(await rawRequest(t.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    expectJsonError(response, status, error);
    const injected = await t.app.inject({ method: 'GET', url: path });
    expectJsonError(
      { status: injected.statusCode, headers: injected.headers as Record<string, string>, body: injected.body },
      status,
      error,
    );
  });

  it.each([
    [
      'a request line past the header size limit',
      431,
      'request headers too large',
      `GET /${secretPath}/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ],
    [
      'headers past the size limit',
      431,
      'request headers too large',
      `GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cr3t\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    ['a malformed request line', 400, 'bad request', `GET /${secretPath} HTTP/9.9\r\nHost: x\r\n\r\n`],
    ['garbage', 400, 'bad request', 'NOT HTTP AT ALL\r\n\r\n'],
    ['a header with a NUL byte', 400, 'bad request', `GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n`],
  ])('%s → %i %s', async (_name, status, error, bytes) => {
    const before = t.logs.length;
    const response = parse(await rawRequest(t.url, bytes));
    expectJsonError(response, status, error);
    expect(response.headers.connection).toBe('close');
    const logged = t.logs.slice(before).join('');
    expect(logged).toContain('malformed request');
    expect(logged).not.toContain('s3cr3t');
  });

  it('refuses an HTTP/1.1 request without Host with a reason, and still serves HTTP/1.0 without one', async () => {
    const noHost = parse(await rawRequest(t.url, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expectJsonError(noHost, 400, 'missing Host header');
    const http10 = parse(await rawRequest(t.url, 'GET /health HTTP/1.0\r\n\r\n'));
    expect(http10.status).toBe(200);
    expect(JSON.parse(http10.body)).toEqual({ status: 'ok' });
  });

  it('keeps the app serving after each of them', async () => {
    expect(await (await fetch(`${t.url}/health`)).json()).toEqual({ status: 'ok' });
  });
});
