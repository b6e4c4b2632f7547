/** Validation helpers for constructor options shared by both strategies. */
import type { Agent } from 'http';
import { AlipayConfigError } from './errors';
import type { FetchLike, HttpSettings } from './http';

export const DEFAULT_TIMEOUT_MS = 5000;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

export function requireString(value: unknown, option: string, explanation: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AlipayConfigError(`${option} is required: ${explanation}.`);
  }
  return value.trim();
}

/**
 * An absolute endpoint address. Plain http is only accepted for loopback hosts (a local simulator):
 * anything else would send auth codes and tokens in clear text.
 */
export function requireEndpoint(value: unknown, option: string): string {
  const text = requireString(value, option, 'an absolute https:// address');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AlipayConfigError(`${option} must be an absolute URL such as https://…, got something that does not parse.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname))) return url.toString();
  throw new AlipayConfigError(`${option} must use https:// (plain http is accepted only for localhost).`);
}

export interface TransportOptions {
  timeout?: number;
  agent?: Agent;
  fetch?: FetchLike;
}

export function resolveHttpSettings(options: TransportOptions): HttpSettings {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new AlipayConfigError('timeout must be a positive number of milliseconds (default 5000).');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new AlipayConfigError('fetch must be a fetch-compatible function (for example node-fetch or globalThis.fetch), or left out to use Node\'s http/https.');
  }
  return { timeout, agent: options.agent, fetch: options.fetch };
}

export function requireVerify(verify: unknown, strategy: string): void {
  if (typeof verify !== 'function') {
    throw new AlipayConfigError(
      `${strategy} requires a verify function: new ${strategy}(options, (accessToken, refreshToken, profile, done) => …).`,
    );
  }
}

/**
 * Refuses option names from other passport strategies, pointing to this package's own: a
 * passport-oauth2 habit (`clientID`) would otherwise surface as a confusing "appId is required".
 */
export function rejectForeignOptionNames(options: object, names: Record<string, string>): void {
  for (const [foreign, own] of Object.entries(names)) {
    if (Object.prototype.hasOwnProperty.call(options, foreign)) {
      throw new AlipayConfigError(`${foreign} is not an option of this strategy: use ${own} instead.`);
    }
  }
}

/** A host-like start without a scheme (`www.example.com/cb`), which would resolve as a path. */
const SCHEMELESS_HOST = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(\/|$)/;

/** callbackURL: absolute http(s), or a path starting with `/` resolved against each request. */
export function requireCallbackURL(value: unknown): string {
  const url = requireString(
    value,
    'callbackURL',
    'the address Alipay redirects to after login (absolute, or a path such as /auth/alipay/callback), under the callback domain registered in the Alipay console',
  );
  if (/^https?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new AlipayConfigError(`callbackURL ${JSON.stringify(url)} is not a valid URL.`);
    }
    return url;
  }
  if (SCHEMELESS_HOST.test(url)) {
    throw new AlipayConfigError(`callbackURL ${JSON.stringify(url)} has no scheme: write https://${url} (or a path such as /auth/alipay/callback).`);
  }
  if (!url.startsWith('/')) {
    throw new AlipayConfigError(`callbackURL must be an absolute http(s) URL or a path starting with "/", got ${JSON.stringify(url)}.`);
  }
  return url;
}
