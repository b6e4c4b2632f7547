/**
 * Helpers for an application's own tests with nock (or any HTTP mock): key pairs, and the exact
 * body text Alipay's gateways send, signed so the strategies verify it.
 */
import { generateKeyPairSync, randomBytes } from 'crypto';
import { loadPrivateKey, type KeyInput } from '../core/keys';
import { responseNodeName } from '../alipay/response';
import { findTopLevelMember } from '../core/json-span';
import { isRecord } from '../core/fields';
import { formatShanghaiIso, formatShanghaiTimestamp } from '../core/clock';
import { renderAnswer, signedAnswer } from './answer';

/** Fresh keys for tests, as `generateTestKeys()` returns them. */
export interface TestKeys {
  /** The app's private key (PEM, PKCS#8): the strategy's `privateKey`. */
  appPrivateKey: string;
  /** The app's public key (PEM, SPKI): what the console would hold. */
  appPublicKey: string;
  /** "Alipay's" private key (PEM): sign fake answers with it. */
  alipayPrivateKey: string;
  /** "Alipay's" public key (PEM): the strategy's `alipayPublicKey`. */
  alipayPublicKey: string;
  /** A content-encryption key (base64, 16 bytes): AlipayInAppStrategy's `aesKey`. */
  aesKey: string;
}

function pemPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** Two fresh RSA-2048 key pairs (the app's and a stand-in for Alipay's) and an AES key. */
export function generateTestKeys(): TestKeys {
  const app = pemPair();
  const alipay = pemPair();
  return {
    appPrivateKey: app.privateKey,
    appPublicKey: app.publicKey,
    alipayPrivateKey: alipay.privateKey,
    alipayPublicKey: alipay.publicKey,
    aesKey: randomBytes(16).toString('base64'),
  };
}

/** `alipayPrivateKey` of a testing helper `fn`, parsed (errors name the helper). */
export function signingKey(key: KeyInput, fn: string) {
  return loadPrivateKey(key, `${fn}: alipayPrivateKey`);
}

const TOKEN_METHOD = 'alipay.system.oauth.token';

/**
 * The body the mainland gateway sends for `method` with `payload` as its response node
 * (`{"<method>_response":{…},"sign":"…"}`), `/` escaped as `\/` and signed over the node's exact
 * text like the real gateway. A payload with `sub_code` (or a non-10000 `code`) is a refusal: the
 * token call's go in `error_response`, other methods' in their own node, as Alipay sends them. A
 * token answer without `auth_start` gets the current Shanghai time, as a fresh answer has it.
 */
export function signedGatewayResponse(method: string, payload: Record<string, unknown>, alipayPrivateKey: KeyInput): string {
  const key = signingKey(alipayPrivateKey, 'signedGatewayResponse');
  const refusal = payload.sub_code !== undefined || (payload.code !== undefined && String(payload.code) !== '10000');
  if (refusal) return renderAnswer(signedAnswer(method === TOKEN_METHOD ? 'error_response' : responseNodeName(method), payload, 'sign', key));
  const fresh = method === TOKEN_METHOD && payload.auth_start === undefined ? { ...payload, auth_start: formatShanghaiTimestamp(new Date()) } : payload;
  return renderAnswer(signedAnswer(responseNodeName(method), fresh, 'sign', key));
}

/**
 * The body Alipay Macao sends in answer to `requestBody` (the raw JSON the strategy posted):
 * `{"response":{"head":…,"body":responseBody},"signature":"…"}`, the head echoing the request's
 * function, clientId and reqMsgId, signed over the `response` text.
 */
export function signedMacaoResponse(requestBody: string, responseBody: Record<string, unknown>, alipayPrivateKey: KeyInput): string {
  const key = signingKey(alipayPrivateKey, 'signedMacaoResponse');
  const span = findTopLevelMember(requestBody, 'request');
  const request: unknown = span.status === 'found' ? JSON.parse(span.text) : undefined;
  const head = isRecord(request) && isRecord(request.head) ? request.head : undefined;
  if (!head) throw new Error('signedMacaoResponse: requestBody is not a Macao request envelope ({"request":{"head":…}}).');
  const response = {
    head: {
      version: head.version,
      function: head.function,
      clientId: head.clientId,
      reqMsgId: head.reqMsgId,
      respTime: formatShanghaiIso(new Date()), // Alipay Macao answers in +08:00
    },
    body: responseBody,
  };
  return renderAnswer(signedAnswer('response', response, 'signature', key));
}
