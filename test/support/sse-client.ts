import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Events message: its `event:` name and its `data:` parsed as JSON. */
export interface SseMessage {
  event: string;
  data: unknown;
}

/** A real HTTP client of an SSE stream, parsing messages and comments as the bytes arrive. */
export interface SseClient {
  status: number;
  contentType: string | undefined;
  messages: SseMessage[];
  comments: string[];
  /** Resolves with the first message (from `from` on) that matches; rejects after `timeoutMs`. */
  waitFor(predicate: (message: SseMessage) => boolean, timeoutMs?: number, from?: number): Promise<SseMessage>;
  /** Resolves when the server ended the response (or the connection closed). */
  ended: Promise<void>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (res) =>
      resolve(client(res, () => req.destroy())),
    );
    req.once('error', reject);
    req.end();
  });
}

function client(res: IncomingMessage, close: () => void): SseClient {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) messages.push({ event, data: JSON.parse(data.join('\n')) });
    }
    for (const waiter of [...waiters]) waiter();
  });
  const ended = new Promise<void>((done) => {
    res.once('end', () => done());
    res.once('close', () => done());
    res.once('error', () => done());
  });
  return {
    status: res.statusCode ?? 0,
    contentType: res.headers['content-type'],
    messages,
    comments,
    ended,
    close,
    waitFor(predicate, timeoutMs = 5000, from = 0) {
      return new Promise((ok, fail) => {
        const check = () => {
          const found = messages.slice(from).find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          ok(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching message among ${JSON.stringify(messages.slice(from)).slice(0, 2000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
