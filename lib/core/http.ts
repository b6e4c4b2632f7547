/**
 * The one HTTP call every strategy makes: POST a body, read the answer as raw text with a time
 * limit and a size cap. Raw text, because signatures cover the exact bytes received.
 *
 * The default transport is Node's own `http`/`https.request` (keep-alive through the global agent,
 * or the `agent` option): it costs far less per login than a fetch implementation (no Request,
 * Headers or URL objects, no stream wrappers, no AbortController). A `fetch` function given in the
 * options is used instead, with the same limits and errors.
 */
import * as http from 'http';
import * as https from 'https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'zlib';
import type { Agent } from 'http';
import { AlipayTransportError } from './errors';

/**
 * Runs `fn` after the I/O callbacks already waiting in this turn of the event loop. Timers run
 * before I/O: after one long turn (a loaded machine) a time limit fires even though the answer is
 * already in the socket. Deferring the verdict by one setImmediate lets an arrived answer win; it
 * costs nothing on a login that is answered in time (its timer is cleared, never fired).
 */
export function afterPendingIO(fn: () => void): void {
  setImmediate(fn);
}

/** Largest response body accepted; token responses are well under 2 KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The subset of a fetch Response this package reads (node-fetch 2, undici and the global fetch all fit). */
export interface FetchResponseLike {
  /** The HTTP status. */
  status: number;
  /** The response headers (`content-length`, `content-encoding` are read). */
  headers: {
    /** One header's value, or null. */
    get(name: string): string | null;
  };
  /** The body, read chunk by chunk within the size cap. */
  body: AsyncIterable<Uint8Array> | null;
}

/**
 * A fetch implementation. `agent` and `compress` are node-fetch options; other implementations
 * ignore them.
 */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    redirect: 'manual';
    agent?: Agent;
    compress?: boolean;
  },
) => Promise<FetchResponseLike>;

export interface HttpSettings {
  /** A fetch implementation to use instead of Node's `http`/`https.request`. */
  fetch?: FetchLike;
  /** Milliseconds for the whole exchange, connection to last byte. */
  timeout: number;
  agent?: Agent;
  maxBytes?: number;
}

export interface TextResponse {
  status: number;
  text: string;
}

const tooLarge = (host: string, size: string, maxBytes: number, status: number) =>
  new AlipayTransportError(
    `Alipay (${host}) answered with a body ${size}, over the ${maxBytes}-byte limit; refusing to read it.`,
    'ALIPAY_RESPONSE_TOO_LARGE',
    status,
  );

const badStatus = (host: string, status: number) =>
  new AlipayTransportError(
    `Alipay (${host}) answered HTTP ${status}; the gateway may be down or a proxy may be in the way.`,
    'ALIPAY_HTTP_STATUS',
    status,
  );

const timedOut = (host: string, timeout: number) =>
  new AlipayTransportError(`Alipay (${host}) did not answer within ${timeout} ms (the timeout option).`, 'ALIPAY_TIMEOUT');

const unreachable = (host: string, err: unknown) => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return new AlipayTransportError(
    `Could not reach Alipay (${host})${typeof code === 'string' ? `: ${code}` : ''}; check network access and the gateway URL.`,
    'ALIPAY_NETWORK_ERROR',
  );
};

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when `bytes` start like a zlib stream (what `Content-Encoding: deflate` carries). */
function zlibHeader(bytes: Buffer): boolean {
  return bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
}

/**
 * The body as text, decompressed when the gateway (or a proxy) compressed it although nothing asked
 * for it, within the same size cap as a plain body, on both transports. A fetch implementation may
 * already have decompressed it and left the header (undici does): bytes that are not a compressed
 * stream are taken as they are.
 */
function bodyText(bytes: Buffer, encoding: string | null | undefined, host: string, maxBytes: number, status: number): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return bytes.toString('utf8');
  const options = { maxOutputLength: maxBytes };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') {
      return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? gunzipSync(bytes, options).toString('utf8') : bytes.toString('utf8');
    }
    if (enc === 'deflate') return zlibHeader(bytes) ? inflateSync(bytes, options).toString('utf8') : bytes.toString('utf8');
    if (enc === 'br') return brotliDecompressSync(bytes, options).toString('utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(host, `over ${maxBytes} bytes once decompressed`, maxBytes, status);
    // A br body the fetch implementation already decoded is plain JSON: taken as it is.
    if (enc === 'br' && /^\s*[{<]/.test(bytes.subarray(0, 16).toString('latin1'))) return bytes.toString('utf8');
    throw new AlipayTransportError(`Alipay (${host}) answered a ${enc}-compressed body that does not decompress.`, 'ALIPAY_INVALID_RESPONSE', status);
  }
  throw new AlipayTransportError(`Alipay (${host}) answered with Content-Encoding ${enc}, which is not read.`, 'ALIPAY_INVALID_RESPONSE', status);
}

/**
 * One gateway address, parsed once at construction; `post` appends a suffix (a query string or an
 * API path) per call. Never retries: an auth code is single-use, so a second attempt could only
 * fail or, worse, mask the first outcome. Errors name the host, never the URL, which may carry
 * request parameters.
 */
export class HttpEndpoint {
  private readonly base: string;
  private readonly host: string;
  private readonly settings: HttpSettings;
  private readonly maxBytes: number;
  /** The parsed address, for a fresh options literal per request (cheaper than spreading one). */
  private readonly target: { protocol: string; hostname: string; port: string | undefined };
  private readonly request: typeof http.request;
  private readonly basePath: string;

  constructor(base: string, settings: HttpSettings) {
    const url = new URL(base);
    this.base = base;
    this.host = url.host;
    this.settings = settings;
    this.maxBytes = settings.maxBytes ?? MAX_RESPONSE_BYTES;
    this.request = url.protocol === 'https:' ? https.request : http.request;
    // Macao's base is a bare origin ('/' path) followed by API paths; the mainland base is …/gateway.do.
    this.basePath = url.pathname === '/' && url.search === '' ? '' : url.pathname + url.search;
    this.target = { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port || undefined };
  }

  /** POSTs `body` to the base address followed by `suffix`; resolves with the status and raw text. */
  post(suffix: string, body: string, contentType: string): Promise<TextResponse> {
    return this.settings.fetch ? this.postWithFetch(this.settings.fetch, suffix, body, contentType) : this.postWithNode(suffix, body, contentType);
  }

  private postWithNode(suffix: string, body: string, contentType: string): Promise<TextResponse> {
    const { host, maxBytes } = this;
    return new Promise((resolve, reject) => {
      let settled = false;
      const { protocol, hostname, port } = this.target;
      const req = this.request({
        protocol,
        hostname,
        port,
        method: 'POST',
        agent: this.settings.agent,
        path: this.basePath === '' && suffix[0] !== '/' ? `/${suffix}` : this.basePath + suffix,
        // No accept-encoding: answers are small JSON, and no decompression stream is wanted.
        headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      });
      const fail = (err: AlipayTransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Drops the socket: an abandoned answer must not be read into a reused connection.
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => afterPendingIO(() => fail(timedOut(host, this.settings.timeout))), this.settings.timeout);
      req.on('error', (err) => fail(unreachable(host, err)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // The gateway never redirects: a 3xx is a failed status, never followed to another host.
        if (status < 200 || status > 299) return fail(badStatus(host, status));
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) return fail(tooLarge(host, `of ${declared} bytes`, maxBytes, status));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(tooLarge(host, `over ${maxBytes} bytes`, maxBytes, status));
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
          try {
            resolve({ status, text: bodyText(bytes, res.headers['content-encoding'], host, maxBytes, status) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', (err) => fail(unreachable(host, err)));
        // A connection closed before the last byte: 'end' never comes.
        res.on('close', () => {
          if (!res.complete) fail(unreachable(host, { code: 'ECONNRESET' }));
        });
      });
      req.end(body);
    });
  }

  private async postWithFetch(fetch: FetchLike, suffix: string, body: string, contentType: string): Promise<TextResponse> {
    const { host, maxBytes } = this;
    const controller = new AbortController();
    let expired = false;
    const timer = setTimeout(
      () =>
        afterPendingIO(() => {
          expired = true;
          controller.abort();
        }),
      this.settings.timeout,
    );
    try {
      const response = await fetch(this.base + suffix, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json' },
        body,
        signal: controller.signal,
        redirect: 'manual',
        agent: this.settings.agent,
        compress: false,
      });
      const status = response.status;
      if (status < 200 || status > 299) throw badStatus(host, status);
      const declared = Number(response.headers.get('content-length'));
      if (declared > maxBytes) throw tooLarge(host, `of ${declared} bytes`, maxBytes, status);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > maxBytes) throw tooLarge(host, `over ${maxBytes} bytes`, maxBytes, status);
        chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      return { status, text: bodyText(Buffer.concat(chunks, size), response.headers.get('content-encoding'), host, maxBytes, status) };
    } catch (err) {
      // Stops reading an abandoned body (oversized, failed status) so its socket is freed.
      controller.abort();
      if (err instanceof AlipayTransportError) throw err;
      throw expired ? timedOut(host, this.settings.timeout) : unreachable(host, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
