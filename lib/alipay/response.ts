/** Verifying and reading a mainland gateway response (PROTOCOL A5). */
import type { KeyObject } from 'crypto';
import { AlipaySignatureError, AlipayTransportError } from '../core/errors';
import { parseObjectSpan, parseSignedJson, parseUnsignedSpan, verifiedSpan } from '../core/signed-json';
import { AlipayAPIError } from './errors';

export interface ResponseVerifier {
  alipayPublicKey: KeyObject;
  /** Certificate mode: the SN the response's `alipay_cert_sn` must carry. */
  alipayCertSn?: string;
}

/** `alipay.system.oauth.token` → `alipay_system_oauth_token_response`. */
export function responseNodeName(method: string): string {
  return `${method.replace(/\./g, '_')}_response`;
}

/** A node reports failure with a `sub_code`, or with a `code` other than 10000 (success). */
function isFailure(node: Record<string, unknown>, isErrorNode: boolean): boolean {
  return isErrorNode || node.sub_code !== undefined || (node.code !== undefined && String(node.code) !== '10000');
}

/**
 * Returns the verified payload of `method`'s response node, or throws: AlipayAPIError when Alipay
 * said no, AlipaySignatureError when the response cannot be trusted, AlipayTransportError when it is
 * not a gateway response at all.
 */
export function readGatewayResponse(
  raw: string,
  status: number,
  method: string,
  verifier: ResponseVerifier,
  signContent: string,
): Record<string, unknown> {
  const doc = parseSignedJson(raw, status, 'The Alipay gateway');
  const nodeName = responseNodeName(method);
  const successSpan = doc.member(nodeName);
  const span = successSpan ?? doc.member('error_response');
  if (span === undefined) {
    throw new AlipayTransportError(
      `The Alipay gateway answered without "${nodeName}" or "error_response"; check gatewayURL.`,
      'ALIPAY_INVALID_RESPONSE',
      status,
    );
  }
  const what = `The gateway's "${successSpan ? nodeName : 'error_response'}"`;
  const sign = doc.text('sign');
  if (sign === undefined || sign === '') {
    // An unsigned refusal is reported, but marked unsigned: nothing in it is trusted.
    const node = parseUnsignedSpan(span, what);
    if (isFailure(node, successSpan === undefined)) throw new AlipayAPIError(method, node, false, signContent);
    throw new AlipaySignatureError(
      `The Alipay gateway's ${method} response carries no sign; an unsigned success is never accepted.`,
      'ALIPAY_SIGNATURE_MISSING',
    );
  }
  const certSn = doc.text('alipay_cert_sn');
  const certSnMatches = verifier.alipayCertSn === undefined || certSn === verifier.alipayCertSn;
  const certSnMismatch = () =>
    new AlipaySignatureError(
      `The response was signed with Alipay certificate SN ${JSON.stringify(certSn ?? null)}, ` +
        `not the configured one (${verifier.alipayCertSn}). Alipay may have rotated its certificate: ` +
        'download the current alipayCertPublicKey_RSA2.crt from the Alipay console.',
      'ALIPAY_CERT_SN_MISMATCH',
    );
  const signed = verifiedSpan(span, sign, verifier.alipayPublicKey);
  if (signed === undefined) {
    if (!certSnMatches && certSn !== undefined) throw certSnMismatch();
    throw new AlipaySignatureError(
      `The signature of the Alipay gateway's ${method} response does not verify. ` +
        'Check that alipayPublicKey is the current "Alipay public key" of this app (not the application public key); ' +
        'otherwise the response was altered in transit.',
    );
  }
  // Verified: the bytes that verified are parsed, once, now that they are known to come from Alipay.
  const node = parseObjectSpan(signed, what);
  if (isFailure(node, successSpan === undefined)) throw new AlipayAPIError(method, node, true, signContent);
  // Like the Java SDK (checkResponseCertSign), only a success must carry the configured
  // certificate's SN: a signed refusal without alipay_cert_sn is still Alipay's refusal.
  if (!certSnMatches) throw certSnMismatch();
  return node;
}
