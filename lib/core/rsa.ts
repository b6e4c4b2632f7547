/** RSASSA-PKCS1-v1_5 with SHA-256 ("RSA2"), the signature both Alipay protocols use. */
import { sign, verify, KeyObject } from 'crypto';

/** Signs the UTF-8 bytes of `content`, returning standard padded base64. */
export function signSha256WithRsa(content: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(content, 'utf8'), privateKey).toString('base64');
}

/** Standard padded base64 text, without whitespace. */
export const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Verifies a base64 signature over the UTF-8 bytes of `content`. Any malformed input is `false`. */
export function verifySha256WithRsa(content: string, signature: string, publicKey: KeyObject): boolean {
  if (typeof signature !== 'string' || !BASE64.test(signature)) return false;
  try {
    return verify('sha256', Buffer.from(content, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
