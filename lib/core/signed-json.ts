/**
 * Reading a signed JSON answer from either Alipay gateway: parse it, index its top-level members
 * over the raw text, and verify a signature over the exact raw bytes of one member's value.
 */
import type { KeyObject } from 'crypto';
import { AlipaySignatureError, AlipayTransportError } from './errors';
import { isRecord } from './fields';
import { indexTopLevelMembers } from './json-span';
import { verifySha256WithRsa } from './rsa';

export interface SignedJson {
  /** The parsed top-level object. */
  json: Record<string, unknown>;
  /** Raw text of a top-level member's value, or undefined when absent. */
  member(name: string): string | undefined;
}

function describeBody(raw: string): string {
  return /^\s*</.test(raw) ? 'an HTML or XML page' : 'a body that is not JSON';
}

/**
 * Parses `raw` as a JSON object. A body that is not a JSON object is a transport error (proxies and
 * outages answer with HTML); a duplicated top-level member is a forgery attempt and is rejected
 * before anything is read from it.
 */
export function parseSignedJson(raw: string, status: number, service: string): SignedJson {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AlipayTransportError(
      `${service} answered HTTP ${status} with ${describeBody(raw)}; check the gateway URL and any proxy in between.`,
      'ALIPAY_INVALID_RESPONSE',
      status,
    );
  }
  const index = indexTopLevelMembers(raw);
  if (!isRecord(json) || index.status !== 'ok') {
    throw new AlipayTransportError(
      `${service} answered HTTP ${status} with JSON that is not an object.`,
      'ALIPAY_INVALID_RESPONSE',
      status,
    );
  }
  if (index.duplicates.size > 0) {
    throw new AlipaySignatureError(
      `${service} response repeats the top-level member(s) ${[...index.duplicates].map((k) => `"${k}"`).join(', ')}; ` +
        'a response with duplicated members is rejected because only one copy can be signed.',
      'ALIPAY_RESPONSE_DUPLICATE_MEMBER',
    );
  }
  return {
    json,
    member(name) {
      const span = index.members.get(name);
      return span && raw.slice(span.start, span.end);
    },
  };
}

/**
 * Verifies `signature` over the raw member text. Alipay may have signed the text before escaping
 * `/` as `\/`, so when the first check fails and the text contains `\/` it is retried once with the
 * escapes removed, as both official SDKs do.
 */
export function verifyRawSpan(span: string, signature: string, publicKey: KeyObject): boolean {
  if (verifySha256WithRsa(span, signature, publicKey)) return true;
  return span.includes('\\/') && verifySha256WithRsa(span.replace(/\\\//g, '/'), signature, publicKey);
}

/** Parses a member's raw text as a JSON object; a member that is not an object is a malformed response. */
export function parseObjectSpan(span: string, what: string): Record<string, unknown> {
  const value: unknown = JSON.parse(span);
  if (!isRecord(value)) {
    throw new AlipayTransportError(`${what} is not a JSON object.`, 'ALIPAY_INVALID_RESPONSE');
  }
  return value;
}
