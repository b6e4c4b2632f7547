/**
 * A signed API answer before it is written, so faults can alter it the way a broken network or a
 * forger would: the signed member's text, its signature, and the document around them.
 */
import type { KeyObject } from 'crypto';
import { signSha256WithRsa } from '../core/rsa';

export interface SignedAnswer {
  /** The top-level member that is signed: `<method>_response`, `error_response` or `response`. */
  member: string;
  /** That member's raw JSON text, exactly as it will be sent. */
  text: string;
  /** The name of the signature member: `sign` (mainland) or `signature` (Macao). */
  signatureMember: 'sign' | 'signature';
  signature?: string;
  /** Extra top-level members, e.g. alipay_cert_sn. */
  extra: Record<string, string>;
}

/** The gateway escapes `/` as `\/` in what it sends (and signs what it sends). */
export function gatewayJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

export function signedAnswer(
  member: string,
  value: unknown,
  signatureMember: 'sign' | 'signature',
  key: KeyObject,
  extra: Record<string, string> = {},
): SignedAnswer {
  const text = gatewayJson(value);
  return { member, text, signatureMember, signature: signSha256WithRsa(text, key), extra };
}

export function renderAnswer(answer: SignedAnswer): string {
  // Member order as captured from Alipay: the response node, then alipay_cert_sn (certificate mode), then the signature.
  const parts = [`"${answer.member}":${answer.text}`];
  for (const [k, v] of Object.entries(answer.extra)) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  if (answer.signature !== undefined) parts.push(`"${answer.signatureMember}":"${answer.signature}"`);
  return `{${parts.join(',')}}`;
}
