/**
 * The simulator's in-app side: what Alipay gives a mini program (`my.getAuthCode`,
 * `my.getPhoneNumber`), and the endpoints a browser page standing in for a mini program calls.
 */
import { createCipheriv, createSecretKey, type KeyObject } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { signSha256WithRsa } from '../core/rsa';
import type { KeyInput } from '../core/keys';
import { loadAesKey } from '../alipay/phone-number';
import { signingKey } from './test-keys';
import { isRecord } from '../core/fields';
import { readBody, send } from './http-util';
import type { Registry } from './registry';

const ZERO_IV = Buffer.alloc(16);

/**
 * `res.response` of `my.getPhoneNumber`: the JSON string with the AES-CBC (zero IV, PKCS#7)
 * ciphertext of `plaintext`, signed by Alipay over the ciphertext wrapped in double quotes.
 * `aesKey` as `generateTestKeys()` gives it (base64) or raw bytes; `alipayPrivateKey` PEM or KeyObject.
 */
export function phoneNumberPayload(plaintext: Record<string, unknown>, aesKey: string | Buffer, alipayPrivateKey: KeyInput): string {
  const key = typeof aesKey === 'string' ? (loadAesKey(aesKey) as KeyObject) : createSecretKey(aesKey);
  const cipher = createCipheriv(`aes-${(key.symmetricKeySize as number) * 8}-cbc`, key, ZERO_IV);
  const response = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]).toString('base64');
  const sign = signSha256WithRsa(`"${response}"`, signingKey(alipayPrivateKey, 'phoneNumberPayload'));
  return JSON.stringify({ response, sign, sign_type: 'RSA2', encrypt_type: 'AES', charset: 'UTF-8' });
}

/** The phone payload for a registered app and user; throws when either is unknown or has no mobile. */
export function userPhoneNumberPayload(registry: Registry, appId: string, userId: string, alipayPrivateKey: KeyObject): string {
  const app = registry.apps.get(appId);
  if (!app) throw new Error(`Alipay simulator: no app ${JSON.stringify(appId)} is registered (createApp first).`);
  const user = registry.user(userId);
  if (!user) throw new Error(`Alipay simulator: no test user ${JSON.stringify(userId)}.`);
  if (!user.mobile) throw new Error(`Alipay simulator: test user ${userId} has no mobile number.`);
  return phoneNumberPayload({ code: '10000', msg: 'Success', mobile: user.mobile }, app.aesKey, alipayPrivateKey);
}

/**
 * `POST /mini/getAuthCode` `{appId, userId, scopes}` → `{authCode}` and `POST /mini/getPhoneNumber`
 * `{appId, userId}` → `{response}`: what the Alipay client would hand a mini program. The body may
 * be sent as text/plain so that a page on another origin needs no CORS preflight.
 */
export async function answerMiniProgram(
  route: 'getAuthCode' | 'getPhoneNumber',
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { registry: Registry; alipayPrivateKey: KeyObject },
): Promise<void> {
  const reply = (status: number, body: unknown) => {
    res.setHeader('access-control-allow-origin', '*');
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  };
  let input: unknown;
  try {
    input = JSON.parse(await readBody(req));
  } catch {
    return reply(400, { error: 'the body must be JSON' });
  }
  const { appId, userId, scopes } = isRecord(input) ? input : ({} as Record<string, unknown>);
  if (typeof appId !== 'string' || !ctx.registry.apps.has(appId)) return reply(400, { error: 'unknown appId' });
  if (typeof userId !== 'string' || !ctx.registry.user(userId)) return reply(400, { error: 'unknown userId' });
  if (route === 'getAuthCode') {
    const scope = scopes === 'auth_user' || (Array.isArray(scopes) && scopes.includes('auth_user')) ? 'auth_user' : 'auth_base';
    return reply(200, { authCode: ctx.registry.mintCode(appId, userId, scope) });
  }
  try {
    reply(200, { response: userPhoneNumberPayload(ctx.registry, appId, userId, ctx.alipayPrivateKey) });
  } catch (e) {
    reply(400, { error: (e as Error).message });
  }
}
