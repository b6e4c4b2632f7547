/**
 * Loading of the RSA keys both protocols use. Keys arrive as PEM or as bare base64 DER (the default
 * output of Alipay's key tool), private keys as PKCS#8 or PKCS#1, public keys as SPKI (or PKCS#1).
 * They are parsed once, at construction, into KeyObjects: signing with a parsed key is about three
 * times cheaper than with a PEM string.
 */
import { createPrivateKey, createPublicKey, KeyObject } from 'crypto';
import { AlipayConfigError } from './errors';
import { BASE64, signSha256WithRsa, verifySha256WithRsa } from './rsa';

/** What a key option accepts: PEM text, bare base64 DER, or an already parsed KeyObject. */
export type KeyInput = string | KeyObject;

const PRIVATE_FORMATS =
  'PEM ("-----BEGIN PRIVATE KEY-----" PKCS#8 or "-----BEGIN RSA PRIVATE KEY-----" PKCS#1) ' +
  'or bare base64 of PKCS#8 or PKCS#1 DER, as Alipay\'s key tool writes it';
const PUBLIC_FORMATS =
  'PEM ("-----BEGIN PUBLIC KEY-----" SPKI) or bare base64 of SPKI DER, as shown in the Alipay console';

type Attempt = () => KeyObject;

function firstThatParses(attempts: Attempt[]): KeyObject | undefined {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

function derOf(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

function parse(input: string, kind: 'private' | 'public'): KeyObject | undefined {
  // A PEM pasted into a .env file often keeps its line breaks as the two characters `\n`.
  const text = input.includes('\\n') ? input.replace(/(?:\\r)?\\n/g, '\n') : input;
  if (text.includes('-----BEGIN')) {
    return firstThatParses([() => (kind === 'private' ? createPrivateKey(text) : createPublicKey(text))]);
  }
  const der = derOf(text);
  if (!der) return undefined;
  if (kind === 'private') {
    return firstThatParses([
      () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
    ]);
  }
  return firstThatParses([
    () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
  ]);
}

/** "an EC key", "an Ed25519 key": the key type named with its article. */
function describeKeyType(type: string | undefined): string {
  if (type === undefined) return 'not an asymmetric key';
  const name = type === 'ec' ? 'EC' : type === 'ed25519' ? 'Ed25519' : type === 'ed448' ? 'Ed448' : type.toUpperCase();
  return `${/^[AEFHILMNORSX]/.test(name) ? 'an' : 'a'} ${name} key`;
}

function requireRsa(key: KeyObject, option: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AlipayConfigError(
      `${option} is ${describeKeyType(key.asymmetricKeyType)}; Alipay uses RSA keys (RSA2, 2048 bits).`,
    );
  }
  return key;
}

/** A KeyObject given directly: it must be of the expected type and RSA. */
function checkedKeyObject(key: KeyObject, type: 'private' | 'public', option: string): KeyObject {
  if (key.type !== type) throw new AlipayConfigError(`${option} must be a ${type} KeyObject, got a ${key.type} key.`);
  return requireRsa(key, option);
}

/** Parses the application's private key, explaining which formats are accepted when it fails. */
export function loadPrivateKey(input: unknown, option: string): KeyObject {
  if (input instanceof KeyObject) return checkedKeyObject(input, 'private', option);
  if (typeof input !== 'string' || input.trim() === '') {
    throw new AlipayConfigError(`${option} is required: the application's RSA private key, as ${PRIVATE_FORMATS}.`);
  }
  const key = parse(input.trim(), 'private');
  if (key) return requireRsa(key, option);
  if (parse(input.trim(), 'public')) {
    throw new AlipayConfigError(
      `${option} holds a public key. Give the application's private key here (${PRIVATE_FORMATS}).`,
    );
  }
  throw new AlipayConfigError(`${option} could not be parsed as an RSA private key. Accepted: ${PRIVATE_FORMATS}.`);
}

/** Parses Alipay's public key, explaining which formats are accepted when it fails. */
export function loadPublicKey(input: unknown, option: string): KeyObject {
  if (input instanceof KeyObject) return checkedKeyObject(input, 'public', option);
  if (typeof input !== 'string' || input.trim() === '') {
    throw new AlipayConfigError(`${option} is required: Alipay's RSA public key, as ${PUBLIC_FORMATS}.`);
  }
  const text = input.trim();
  if (parse(text, 'private')) {
    throw new AlipayConfigError(
      `${option} holds a private key. Give Alipay's public key here (copy it from the Alipay console), ` +
        'never a private key.',
    );
  }
  const key = parse(text, 'public');
  if (key) return requireRsa(key, option);
  throw new AlipayConfigError(`${option} could not be parsed as an RSA public key. Accepted: ${PUBLIC_FORMATS}.`);
}

const PROBE = 'passport-alipay key probe';

/**
 * Refuses the classic misconfiguration where the application's own public key is configured as
 * Alipay's: if the configured "Alipay" key verifies what the app's private key signed, it is the
 * app's key, and every response from Alipay would fail verification.
 */
export function assertNotOwnPublicKey(privateKey: KeyObject, alipayPublicKey: KeyObject, option: string): void {
  const probe = signSha256WithRsa(PROBE, privateKey);
  if (verifySha256WithRsa(PROBE, probe, alipayPublicKey)) {
    throw new AlipayConfigError(
      `${option} is the public key of your own application (it matches privateKey). ` +
        'Configure the "Alipay public key" (支付宝公钥) shown in the Alipay console instead of the application public key (应用公钥).',
    );
  }
}
