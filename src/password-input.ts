// Reading the admin password for `tunerbridge set-password`: typed at a terminal without echo,
// or one line from a pipe (`echo "$PW" | tunerbridge set-password`, scripts, tests).

const maxLineBytes = 4096;

/** The new password: asked twice on a TTY (no echo), else the first line of stdin. */
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readLine(process.stdin);
  const first = await promptHidden('New admin password: ');
  const second = await promptHidden('Repeat it: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

/** The first line of `input` (without its line end), read up to `maxLineBytes`. */
export function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error?: Error) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      input.pause();
      if (error) reject(error);
      else resolve(text.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        text = text.slice(0, newline);
        done();
      } else if (Buffer.byteLength(text) > maxLineBytes) {
        done(new Error('the password line is too long'));
      }
    };
    const onEnd = () => done();
    const onError = (error: Error) => done(error);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
  });
}

/** Asks on stderr and reads a line from the terminal in raw mode, echoing nothing. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') text = [...text].slice(0, -1).join('');
        else if (char >= ' ') text += char;
      }
    };
    stdin.on('data', onData);
  });
}
