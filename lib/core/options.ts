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
