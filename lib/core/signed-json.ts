/**
 * Reading a signed JSON answer from an Alipay gateway. The raw text is indexed with the structural
 * scanner (linear, never recursive) and nothing else is parsed up front: the signed member is
 * verified over its exact raw bytes first and parsed once afterwards, so a hostile body (a
 * megabyte of nested arrays) costs one scan and one hash, never a full parse.
 */
import type { KeyObject } from 'crypto';
import { AlipaySignatureError, AlipayTransportError } from './errors';
import { isRecord } from './fields';
import { indexTopLevelMembers } from './json-span';
import { verifySha256WithRsa } from './rsa';

/**
 * Largest member parsed before its signature is checked. Only unsigned refusals are read that way
 * (to report their codes); real ones are a few hundred bytes.
 */
export const MAX_UNSIGNED_MEMBER_CHARS = 16 * 1024;

export interface SignedJson {
  /** Raw text of a top-level member's value, or undefined when absent. */
  member(name: string): string | undefined;
  /** A top-level member's value when it is a JSON string, else undefined. */
  text(name: string): string | undefined;
}

function describeBody(raw: string): string {
  return /^\s*</.test(raw) ? 'an HTML or XML page' : 'a body that is not a JSON object';
}

/**
 * Indexes `raw`, a JSON object text. A body that is not a JSON object is a transport error (proxies
 * and outages answer with HTML); a duplicated top-level member is a forgery attempt and is
 * rejected before anything is read from it.
 */
export function parseSignedJson(raw: string, status: number, service: string): SignedJson {
  const index = indexTopLevelMembers(raw);
  if (index.status !== 'ok') {
    throw new AlipayTransportError(
      `${service} answered HTTP ${status} with ${describeBody(raw)}; check the gateway URL and any proxy in between.`,
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
  const member = (name: string) => {
    const span = index.members.get(name);
    return span && raw.slice(span.start, span.end);
  };
  return {
    member,
    text(name) {
      const value = member(name);
      if (value === undefined || value[0] !== '"') return undefined;
      try {
        return JSON.parse(value) as string;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Verifies `signature` over the raw member text and returns the text that verified, or undefined.
 * Alipay may have signed the text before escaping `/` as `\/`, so when the first check fails and
 * the text contains `\/` it is retried once with the escapes removed, as both official SDKs do.
 * Callers parse the returned text, never the original: the two differ where a signed value holds
 * `\\/` (a backslash, then a slash), and only the verified one is what Alipay signed.
 */
export function verifiedSpan(span: string, signature: string, publicKey: KeyObject): string | undefined {
  if (verifySha256WithRsa(span, signature, publicKey)) return span;
  if (!span.includes('\\/')) return undefined;
  const unescaped = span.replace(/\\\//g, '/');
  return verifySha256WithRsa(unescaped, signature, publicKey) ? unescaped : undefined;
}

/** Parses a member's raw text as a JSON object; a member that is not one is a malformed response. */
export function parseObjectSpan(span: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(span);
  } catch {
    value = undefined;
  }
  if (!isRecord(value)) {
    throw new AlipayTransportError(`${what} is not a JSON object.`, 'ALIPAY_INVALID_RESPONSE');
  }
  return value;
}

/** Parses an unsigned member, which is read only to report a refusal, within a size limit. */
export function parseUnsignedSpan(span: string, what: string): Record<string, unknown> {
  if (span.length > MAX_UNSIGNED_MEMBER_CHARS) {
    throw new AlipayTransportError(`${what} is unsigned and over ${MAX_UNSIGNED_MEMBER_CHARS} characters; it is not read.`, 'ALIPAY_INVALID_RESPONSE');
  }
  return parseObjectSpan(span, what);
}
