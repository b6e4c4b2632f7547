/** Test keys, certificates and response fixtures, read from spec/fixtures. */
import { createPrivateKey, createPublicKey, sign } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixture(...path: string[]): string {
  return readFileSync(join(FIXTURES, ...path), 'utf8');
}

export const keys = {
  appPrivatePkcs8: fixture('keys', 'app-private-pkcs8.pem'),
  appPrivatePkcs1: fixture('keys', 'app-private-pkcs1.pem'),
  appPrivatePkcs8Base64: fixture('keys', 'app-private-pkcs8.b64'),
  appPrivatePkcs1Base64: fixture('keys', 'app-private-pkcs1.b64'),
  appPublic: fixture('keys', 'app-public.pem'),
  appPublicBase64: fixture('keys', 'app-public.b64'),
  alipayPrivate: fixture('keys', 'alipay-private-pkcs8.pem'),
  alipayPublic: fixture('keys', 'alipay-public.pem'),
  alipayPublicBase64: fixture('keys', 'alipay-public.b64'),
  otherPrivate: fixture('keys', 'other-private-pkcs8.pem'),
  otherPublic: fixture('keys', 'other-public.pem'),
  ecPrivate: fixture('keys', 'ec-private.pem'),
};

export const certs = {
  app: fixture('certs', 'app-cert.crt'),
  alipay: fixture('certs', 'alipay-cert.crt'),
  rootBundle: fixture('certs', 'root-bundle.crt'),
};

/** Independent RSA2 signature with Alipay's test key (what the real gateway does). */
export function alipaySign(content: string, privateKeyPem = keys.alipayPrivate): string {
  return sign('sha256', Buffer.from(content, 'utf8'), createPrivateKey(privateKeyPem)).toString('base64');
}

export function appPublicKeyObject() {
  return createPublicKey(keys.appPublic);
}
