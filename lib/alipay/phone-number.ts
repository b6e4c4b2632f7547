/**
 * The phone number a mini program gets from `my.getPhoneNumber` (PROTOCOL A8): a JSON string
 * `{"response":"<base64 ciphertext>","sign":"…","sign_type":"RSA2","encrypt_type":"AES","charset":"UTF-8"}`.
 * The signature covers the ciphertext wrapped in double quotes; the plaintext, AES-CBC with a zero
 * IV and PKCS#7 padding under the app's content-encryption key, is `{"code":"10000","mobile":…}`.
 * Oracle: the official Node SDK's `aesDecrypt` and `rsaCheck`.
 */
import { createDecipheriv, createSecretKey, type KeyObject } from 'crypto';
import { AlipayConfigError, AlipayError, AlipaySignatureError } from '../core/errors';
import { fieldText, isRecord } from '../core/fields';
import { BASE64 } from '../core/rsa';
import { verifiedSpan } from '../core/signed-json';
import { AlipayAPIError } from './errors';

/** Longest phone payload read: real ones are about 600 characters. */
const MAX_PAYLOAD_CHARS = 8 * 1024;
const ZERO_IV = Buffer.alloc(16);
const METHOD = 'my.getPhoneNumber';

/** The phone payload could not be read: malformed, or its ciphertext does not decrypt with aesKey. */
export class AlipayPhoneNumberError extends AlipayError {
  /** Always 400: a phone payload is the client's input. */
  readonly status = 400;
}

/**
 * Parses `aesKey` (base64, as the console shows it) into a 16-, 24- or 32-byte AES key, held as a
 * KeyObject: its bytes then never show in `util.inspect`, `JSON.stringify` or a log of the strategy.
 */
export function loadAesKey(value: unknown): KeyObject | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!key || ![16, 24, 32].includes(key.length)) {
    throw new AlipayConfigError(
      'aesKey must be the content-encryption key (接口内容加密方式, AES) from the Alipay console: base64 of 16, 24 or 32 bytes.',
    );
  }
  return createSecretKey(key);
}

function payloadObject(value: unknown): Record<string, unknown> {
  if (isRecord(value)) return value;
  if (typeof value === 'string' && value.length <= MAX_PAYLOAD_CHARS) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isRecord(parsed)) return parsed;
    } catch {
      // reported below
    }
  }
  throw new AlipayPhoneNumberError(
    'phoneNumber must be what my.getPhoneNumber returned (res.response): the JSON string or the object with response and sign.',
    'ALIPAY_PHONE_MALFORMED',
  );
}

export interface PhoneNumberKeys {
  alipayPublicKey: KeyObject;
  aesKey: KeyObject | undefined;
}

/** A posted payload is the client's input: whatever is wrong with it is answered 400. */
const CLIENT = 400;

/**
 * An unencrypted refusal: with content encryption not set up in the console, `response` is
 * Alipay's refusal as plain JSON (`{"code":"40003",…,"subCode":"isv.missing-encrypt-key"}`).
 */
function plainRefusal(response: string): AlipayAPIError | undefined {
  if (!response.startsWith('{') || response.length > MAX_PAYLOAD_CHARS) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(response);
  } catch {
    return undefined;
  }
  if (!isRecord(fields) || fields.code === undefined) return undefined;
  const subCode = fields.subCode ?? fields.sub_code;
  return new AlipayAPIError(METHOD, { code: fields.code, msg: fields.msg, sub_code: subCode, sub_msg: fields.subMsg ?? fields.sub_msg }, false, undefined, CLIENT);
}

/**
 * Verifies and decrypts a phone payload; returns the mobile number. Everything it throws carries
 * status 400 (the payload is client input): AlipayPhoneNumberError when it is malformed, does not
 * decrypt, or this app reads no phone numbers (no aesKey); AlipaySignatureError when its signature
 * fails; AlipayAPIError when Alipay's answer inside is a refusal. No message quotes the
 * ciphertext, the key or the number.
 */
export function readPhoneNumber(value: unknown, keys: PhoneNumberKeys): { mobile: string; ciphertext: string } {
  if (!keys.aesKey) {
    throw new AlipayPhoneNumberError(
      'This server does not read phone numbers (no aesKey is configured): sign in without phoneNumber.',
      'ALIPAY_PHONE_NOT_CONFIGURED',
    );
  }
  const payload = payloadObject(value);
  const ciphertext = payload.response;
  const sign = payload.sign;
  if (typeof ciphertext === 'string') {
    const refusal = plainRefusal(ciphertext);
    if (refusal) throw refusal;
  }
  if (typeof ciphertext !== 'string' || !BASE64.test(ciphertext) || ciphertext.length > MAX_PAYLOAD_CHARS) {
    throw new AlipayPhoneNumberError('The phone payload has no base64 "response" ciphertext.', 'ALIPAY_PHONE_MALFORMED');
  }
  // Alipay's Java sample treats a blank sign_type as RSA2; RSA (SHA-1) is never accepted.
  if (payload.sign_type !== undefined && payload.sign_type !== '' && payload.sign_type !== 'RSA2') {
    throw new AlipaySignatureError(
      `The phone payload is signed with ${JSON.stringify(payload.sign_type)}; only RSA2 is accepted (set the app's signing to RSA2 in the console).`,
      'ALIPAY_SIGNATURE_INVALID',
      CLIENT,
    );
  }
  if (payload.encrypt_type !== undefined && payload.encrypt_type !== '' && payload.encrypt_type !== 'AES') {
    throw new AlipayPhoneNumberError(
      `The phone payload is encrypted with ${JSON.stringify(payload.encrypt_type)}; only AES (接口内容加密方式) is supported.`,
      'ALIPAY_PHONE_MALFORMED',
    );
  }
  if (typeof sign !== 'string' || sign === '') {
    throw new AlipaySignatureError('The phone payload carries no sign; an unsigned phone number is never accepted.', 'ALIPAY_SIGNATURE_MISSING', CLIENT);
  }
  // Alipay signs the ciphertext as a JSON string value: wrapped in double quotes.
  if (verifiedSpan(`"${ciphertext}"`, sign, keys.alipayPublicKey) === undefined) {
    throw new AlipaySignatureError(
      "The phone payload's signature does not verify with alipayPublicKey: it was not issued by Alipay for this app, or was altered.",
      'ALIPAY_SIGNATURE_INVALID',
      CLIENT,
    );
  }
  let plaintext: unknown;
  try {
    const decipher = createDecipheriv(`aes-${(keys.aesKey.symmetricKeySize as number) * 8}-cbc`, keys.aesKey, ZERO_IV);
    plaintext = JSON.parse(Buffer.concat([decipher.update(ciphertext, 'base64'), decipher.final()]).toString('utf8'));
  } catch {
    throw new AlipayPhoneNumberError(
      'The phone payload does not decrypt with aesKey: check that aesKey is this app\'s current content-encryption key.',
      'ALIPAY_PHONE_DECRYPT_FAILED',
    );
  }
  const fields = isRecord(plaintext) ? plaintext : {};
  if (fieldText(fields.code) !== '10000') {
    throw new AlipayAPIError(METHOD, { code: fields.code, msg: fields.msg, sub_code: fields.subCode, sub_msg: fields.subMsg }, true, undefined, CLIENT);
  }
  const mobile = fieldText(fields.mobile);
  if (!mobile) throw new AlipayPhoneNumberError('The decrypted phone payload carries no mobile number.', 'ALIPAY_PHONE_MALFORMED');
  return { mobile, ciphertext };
}
