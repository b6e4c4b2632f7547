/**
 * The one HTTP call both strategies make: POST a body, read the answer as raw text with a time
 * limit and a size cap. Raw text, because signatures cover the exact bytes received.
 */
import type { Agent } from 'http';
import nodeFetch from 'node-fetch';
import { AlipayTransportError } from './errors';

/** Largest response body accepted; token responses are well under 2 KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The subset of a fetch Response this package reads (node-fetch 2, undici and the global fetch all fit). */
export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
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
  fetch: FetchLike;
  /** Milliseconds for the whole exchange, connection to last byte. */
  timeout: number;
  agent?: Agent;
  maxBytes?: number;
}

export interface TextResponse {
  status: number;
  text: string;
}

export const defaultFetch: FetchLike = nodeFetch as unknown as FetchLike;

async function readCapped(body: AsyncIterable<Uint8Array> | null, maxBytes: number, status: number): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new AlipayTransportError(
        `Alipay answered with a body over ${maxBytes} bytes; refusing to read it.`,
        'ALIPAY_RESPONSE_TOO_LARGE',
        status,
      );
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * POSTs `body` to `url` and returns the status and raw text. Never retries: an auth code is
 * single-use, so a second attempt could only fail or, worse, mask the first outcome.
 * Errors never quote the URL, which may carry request parameters.
 */
export async function postForText(
  url: string,
  body: string,
  contentType: string,
  settings: HttpSettings,
): Promise<TextResponse> {
  const maxBytes = settings.maxBytes ?? MAX_RESPONSE_BYTES;
  // Only error messages need the host; parse it only then.
  const host = () => new URL(url).host;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeout);
  try {
    const response = await settings.fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json' },
      body,
      signal: controller.signal,
      // The gateway never redirects: a 3xx is reported as a failed status, not followed to another host.
      redirect: 'manual',
      agent: settings.agent,
      // Answers are small JSON; no content negotiation, no decompression streams on the hot path.
      compress: false,
    });
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      throw new AlipayTransportError(
        `Alipay (${host()}) announced a body of ${declared} bytes, over the ${maxBytes}-byte limit; refusing to read it.`,
        'ALIPAY_RESPONSE_TOO_LARGE',
        response.status,
      );
    }
    const text = await readCapped(response.body, maxBytes, response.status);
    if (response.status < 200 || response.status > 299) {
      throw new AlipayTransportError(
        `Alipay (${host()}) answered HTTP ${response.status}; the gateway may be down or a proxy may be in the way.`,
        'ALIPAY_HTTP_STATUS',
        response.status,
      );
    }
    return { status: response.status, text };
  } catch (err) {
    // Stops reading an abandoned body (oversized, failed status) so its socket is freed.
    controller.abort();
    if (err instanceof AlipayTransportError) throw err;
    if (timedOut) {
      throw new AlipayTransportError(
        `Alipay (${host()}) did not answer within ${settings.timeout} ms (the timeout option).`,
        'ALIPAY_TIMEOUT',
      );
    }
    const code = (err as { code?: unknown }).code;
    throw new AlipayTransportError(
      `Could not reach Alipay (${host()})${typeof code === 'string' ? `: ${code}` : ''}; check network access and the gateway URL.`,
      'ALIPAY_NETWORK_ERROR',
    );
  } finally {
    clearTimeout(timer);
  }
}
