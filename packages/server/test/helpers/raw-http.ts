/**
 * Raw HTTP/1.1 over a loopback socket, for what `inject` cannot reach:
 * Node's HTTP parser (oversized headers, bad Content-Length) and the
 * server's connection timeouts.
 */
import { connect, type Socket } from "node:net";

/** One HTTP response as read off the socket. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parse the first response in `text`, or null while it is incomplete. */
export function parseRawResponse(text: string): RawResponse | null {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const m = /^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "");
  if (m === null) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const length = Number(headers["content-length"] ?? "0");
  const body = text.slice(end + 4);
  if (Buffer.byteLength(body) < length) return null;
  return { status: Number(m[1]), headers, body };
}

/** An open socket to `port` on 127.0.0.1. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
}

/**
 * Send `bytes` and read one response; `timeoutMs` bounds the wait (the
 * promise rejects rather than hang the test).
 */
export async function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const s = await openSocket(port);
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => done(new Error(`no response within ${timeoutMs} ms; read ${JSON.stringify(text.slice(0, 200))}`)), timeoutMs);
    const done = (e: Error | null, r?: RawResponse) => {
      clearTimeout(timer);
      s.destroy();
      if (e !== null) reject(e);
      else resolve(r!);
    };
    s.setEncoding("utf8");
    s.on("data", (chunk: string) => {
      text += chunk;
      try {
        const r = parseRawResponse(text);
        if (r !== null) done(null, r);
      } catch (e) {
        done(e as Error);
      }
    });
    // The server may close right after a response it framed by closing.
    s.on("close", () => {
      const r = text === "" ? null : parseRawResponse(text);
      done(r === null ? new Error(`connection closed after ${JSON.stringify(text.slice(0, 200))}`) : null, r ?? undefined);
    });
    s.on("error", () => {});
    s.write(bytes);
  });
}
