/**
 * The Alipay Macao "request/head/body/signature" envelope (PROTOCOL B2–B4): requests are serialized
 * once and signed over exactly the bytes sent; responses are verified over the raw `response` text.
 */
import type { KeyObject } from 'crypto';
import { AlipaySignatureError, AlipayTransportError } from '../core/errors';
import { recordOrEmpty } from '../core/fields';
import { signSha256WithRsa } from '../core/rsa';
import { parseObjectSpan, parseSignedJson, parseUnsignedSpan, verifiedSpan } from '../core/signed-json';
import { AlipayMacaoAPIError } from './errors';

export const ENVELOPE_VERSION = '2.0.0';

export interface RequestHead {
  function: string;
  clientId: string;
  reqTime: string;
  reqMsgId: string;
  /** getUserInfo and other user-scoped calls carry the access token in the head. */
  accessToken?: string;
}

export interface SignedEnvelope {
  /** The HTTP body: `{"request":R,"signature":"…"}`. */
  body: string;
  /** R, the signed text. */
  request: string;
  signature: string;
}

export function buildSignedEnvelope(head: RequestHead, body: Record<string, string>, privateKey: KeyObject): SignedEnvelope {
  const orderedHead: Record<string, string> = {
    version: ENVELOPE_VERSION,
    function: head.function,
    clientId: head.clientId,
    reqTime: head.reqTime,
    reqMsgId: head.reqMsgId,
  };
  if (head.accessToken !== undefined) orderedHead.accessToken = head.accessToken;
  const request = JSON.stringify({ head: orderedHead, body });
  const signature = signSha256WithRsa(request, privateKey);
  // Concatenation, not JSON.stringify of a wrapper: the signed bytes are the bytes sent.
  return { body: `{"request":${request},"signature":"${signature}"}`, request, signature };
}

/** The API path of a function: `alipay.intl.oauth.auth.applyToken` → `/api/alipay/intl/oauth/auth/applyToken.htm`. */
export function functionPath(functionName: string): string {
  return `/api/${functionName.replace(/\./g, '/')}.htm`;
}

/** One sister-product sample percent-encodes the signature; base64 never contains `%`. */
function decodeSignature(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface ExpectedResponse {
  function: string;
  reqMsgId: string;
  alipayPublicKey: KeyObject;
}

/**
 * Returns the verified `response.body` of a successful call, or throws: AlipayMacaoAPIError when
 * resultStatus is not S, AlipaySignatureError when the response cannot be trusted or answers another
 * request, AlipayTransportError when it is not an envelope at all.
 */
export function readEnvelopeResponse(raw: string, status: number, expected: ExpectedResponse): Record<string, unknown> {
  const doc = parseSignedJson(raw, status, 'Alipay Macao');
  const span = doc.member('response');
  if (span === undefined) {
    throw new AlipayTransportError('Alipay Macao answered without a "response" member; check gatewayURL.', 'ALIPAY_INVALID_RESPONSE', status);
  }
  const what = 'Alipay Macao\'s "response"';
  const signature = decodeSignature(doc.text('signature'));
  if (signature === undefined) {
    const resultInfo = recordOrEmpty(recordOrEmpty(parseUnsignedSpan(span, what).body).resultInfo);
    if (resultInfo.resultStatus !== 'S') throw new AlipayMacaoAPIError(expected.function, resultInfo, false);
    throw new AlipaySignatureError(
      `Alipay Macao's ${expected.function} response carries no signature; an unsigned success is never accepted.`,
      'ALIPAY_SIGNATURE_MISSING',
    );
  }
  const signed = verifiedSpan(span, signature, expected.alipayPublicKey);
  if (signed === undefined) {
    throw new AlipaySignatureError(
      `The signature of Alipay Macao's ${expected.function} response does not verify. ` +
        "Check that alipayPublicKey is Alipay Macao's public key (not your application's); otherwise the response was altered.",
    );
  }
  // Verified: the bytes that verified are parsed, once, now that they are known to come from Alipay Macao.
  const response = parseObjectSpan(signed, what);
  const head = recordOrEmpty(response.head);
  const body = recordOrEmpty(response.body);
  const resultInfo = recordOrEmpty(body.resultInfo);
  if (head.reqMsgId !== expected.reqMsgId || head.function !== expected.function) {
    throw new AlipaySignatureError(
      `Alipay Macao's response answers another request (head.function/reqMsgId do not match ${expected.function}); it is rejected.`,
      'ALIPAY_RESPONSE_MISMATCH',
    );
  }
  if (resultInfo.resultStatus !== 'S') throw new AlipayMacaoAPIError(expected.function, resultInfo, true);
  return body;
}
