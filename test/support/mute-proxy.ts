// A TCP proxy in front of an HTTP server that passes every request on and never
// passes an answer back: the client waits in vain, as when the server dies after
// doing the work and before its answer reached the client. The proxy keeps what
// the server answered, so a test can compare a resend's answer with the first
// one, which the client never got. One request per connection is read back (the
// client never sees an answer, so it never reuses the connection).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '../../scripts/stack/processes.js';

export interface CapturedAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** A chunked body decoded, or undefined while its last chunk has not arrived. */
function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) return undefined;
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** The HTTP answer in `bytes` once it is complete (by Content-Length or chunked), else undefined. */
export function parseAnswer(bytes: Buffer): CapturedAnswer | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const rest = bytes.subarray(headEnd + 4);
  let body: Buffer | undefined;
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(rest);
  else {
    const length = Number(headers['content-length'] ?? 0);
    body = rest.length >= length ? rest.subarray(0, length) : undefined;
  }
  if (!body) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') };
}

export class MuteProxy {
  /** What the server answered on each connection, in the order the connections came. */
  private readonly received: Buffer[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly target: URL) {
    this.server = createServer((client) => this.forward(client));
  }

  /** Listens on a free port and forwards each connection to `target` (an http://host:port URL). */
  static async start(target: string): Promise<MuteProxy> {
    const proxy = new MuteProxy(new URL(target));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    const address = proxy.server.address();
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private forward(client: Socket): void {
    const index = this.received.push(Buffer.alloc(0)) - 1;
    const upstream = connect({ host: this.target.hostname, port: Number(this.target.port) });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // Either side gone (the server killed, the client aborted): the other goes too.
      socket.once('close', () => (socket === client ? upstream : client).destroy());
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      this.received[index] = Buffer.concat([this.received[index]!, chunk]);
    });
  }

  /** How many connections the proxy has taken so far: the index the next request's answer will have. */
  get connections(): number {
    return this.received.length;
  }

  /** The answer the server wrote on connection `index`, once it is complete (polled within `withinMs`). */
  async answer(index: number, withinMs = 60_000): Promise<CapturedAnswer> {
    let answer: CapturedAnswer | undefined;
    await waitFor(
      `the answer on connection ${index}`,
      () => {
        const bytes = this.received[index];
        answer = bytes ? parseAnswer(bytes) : undefined;
        return Promise.resolve(answer !== undefined);
      },
      withinMs,
    );
    return answer!;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
