/** Helpers for AlipayMacaoStrategy tests: options, signed envelope answers, nock interceptors. */
import nock from 'nock';
import { AlipayMacaoStrategy } from '../../lib';
import type { AlipayMacaoStrategyOptions, VerifiedCallback } from '../../lib';
import type { AlipayMacaoStrategyOptionsBase } from '../../lib/macao/options';
import { alipaySign, fixture, keys } from './fixtures';

export const MACAO_ORIGIN = 'https://open.alipaymo.com';
export const APPLY_TOKEN_PATH = '/api/alipay/intl/oauth/auth/applyToken.htm';
export const USER_INFO_PATH = '/api/alipay/intl/user/query/getUserInfo.htm';
export const CLIENT_ID = '5C5XSR3USG0CQJ05';
export const MERCHANT_ID = '2182400000001037';
export const MACAO_CODE = '0000000001a2b3c4d5e6f7a8b9c0d1e2f';

export function macaoOptions(overrides: Partial<AlipayMacaoStrategyOptionsBase & { passReqToCallback: boolean }> = {}): AlipayMacaoStrategyOptions {
  return {
    clientId: CLIENT_ID,
    authMerchantId: MERCHANT_ID,
    privateKey: keys.appPrivatePkcs8,
    alipayPublicKey: keys.alipayPublic,
    ...overrides,
  } as AlipayMacaoStrategyOptions;
}

export const verifyMacaoUser = (_at: string, _rt: string | undefined, profile: { id: string }, done: VerifiedCallback) =>
  done(null, { id: profile.id });

export function macaoStrategy(overrides: Partial<AlipayMacaoStrategyOptionsBase & { passReqToCallback: boolean }> = {}, verify: any = verifyMacaoUser) {
  return new AlipayMacaoStrategy(macaoOptions(overrides) as never, verify);
}

/** ISO datetimes one hour and thirty days from now, in Macao's offset. */
export function expiryVars(now = Date.now()) {
  const iso = (ms: number) => new Date(ms + 8 * 3600e3).toISOString().replace(/\.\d{3}Z$/, '+08:00');
  return { expiresIn: iso(now + 3600e3), reExpiresIn: iso(now + 30 * 86400e3) };
}

/** A response fixture (spec/fixtures/macao/<name>.json) with its {{placeholders}} filled. */
export function responseText(name: string, vars: Record<string, string>): string {
  return fixture('macao', `${name}.json`).replace(/\{\{(\w+)\}\}/g, (_m, key: string) => vars[key] ?? '');
}

export interface EnvelopeOptions {
  /** Signature to send instead of a correct one; null sends none. */
  signature?: string | null;
  /** Percent-encode the signature, as one sister-product sample does. */
  percentEncode?: boolean;
  /** Rewrites the response text after signing (tampering). */
  tamper?: (text: string) => string;
  /** Sign over this rewrite of the response text instead (e.g. without \/ escapes). */
  signOver?: (text: string) => string;
  /** Overrides the echoed reqMsgId. */
  reqMsgId?: string;
  /** Members placed before "response". */
  before?: string;
  status?: number;
}

export interface CapturedEnvelope {
  raw: string;
  json: { request: { head: Record<string, string>; body: Record<string, string> }; signature: string };
  headers: Record<string, unknown>;
}

export function envelopeBody(text: string, opts: EnvelopeOptions = {}): string {
  let signature = opts.signature === undefined ? alipaySign(opts.signOver ? opts.signOver(text) : text) : opts.signature;
  if (signature && opts.percentEncode) signature = encodeURIComponent(signature);
  const sent = opts.tamper ? opts.tamper(text) : text;
  return `{${opts.before ?? ''}"response":${sent}${signature === null ? '' : `,"signature":"${signature}"`}}`;
}

/** Intercepts one call to `path`, answering the fixture `name` signed with Alipay's test key. */
export function nockMacao(path: string, name: string, opts: EnvelopeOptions = {}) {
  const captured: CapturedEnvelope[] = [];
  const scope = nock(MACAO_ORIGIN)
    .post(path)
    .reply(function (_uri, requestBody) {
      const raw = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
      const json = JSON.parse(raw);
      captured.push({ raw, json, headers: this.req.headers });
      const head = json.request.head;
      const text = responseText(name, { reqMsgId: opts.reqMsgId ?? head.reqMsgId, function: head.function, ...expiryVars() });
      return [opts.status ?? 200, envelopeBody(text, opts), { 'content-type': 'application/json;charset=UTF-8' }];
    });
  return { captured, scope };
}

/** A POST of `body` as a parsed JSON body (what my.request and fetch with JSON send). */
export function post(body: unknown, contentType = 'application/json') {
  return (req: Record<string, any>) => {
    req.method = 'POST';
    req.url = '/auth/alipay-macao';
    req.headers['content-type'] = contentType;
    req.body = body;
  };
}

/** The same body posted as an HTML form would post it. */
export function postForm(body: unknown) {
  return post(body, 'application/x-www-form-urlencoded');
}
