/** Helpers for AlipayStrategy tests: options, signed gateway bodies, nock interceptors. */
import nock from 'nock';
import { AlipayStrategy } from '../../lib';
import type { AlipayStrategyOptions, VerifiedCallback } from '../../lib';
import type { AlipayStrategyOptionsBase } from '../../lib/alipay/options';
import { formatShanghaiTimestamp } from '../../lib/core/clock';
import { alipaySign, fixture, keys } from './fixtures';

export const APP_ID = '2021000000000001';
export const GATEWAY_ORIGIN = 'https://openapi.alipay.com';
export const TOKEN_NODE = 'alipay_system_oauth_token_response';
export const USER_INFO_NODE = 'alipay_user_info_share_response';
export const AUTH_CODE = '4b203fe6c11548bcabd8da5bb087a83b';

export function alipayOptions(overrides: Partial<AlipayStrategyOptionsBase & { passReqToCallback: boolean }> = {}): AlipayStrategyOptions {
  return {
    appId: APP_ID,
    privateKey: keys.appPrivatePkcs8,
    alipayPublicKey: keys.alipayPublic,
    callbackURL: 'https://www.example.com/auth/alipay/callback',
    state: false,
    ...overrides,
  } as AlipayStrategyOptions;
}

export const verifyUser = (_at: string, _rt: string | undefined, profile: { id: string }, done: VerifiedCallback) =>
  done(null, { id: profile.id });

export function strategy(overrides: Partial<AlipayStrategyOptionsBase & { passReqToCallback: boolean }> = {}, verify: any = verifyUser): AlipayStrategy {
  return new AlipayStrategy(alipayOptions(overrides) as never, verify);
}

/**
 * A node fixture's raw text (spec/fixtures/alipay/<name>.json), with its `auth_start` moved to now
 * as a fresh answer has it (the strategy refuses token answers that started long ago); `stale`
 * keeps the recorded one.
 */
export function node(name: string, { stale = false } = {}): string {
  const text = fixture('alipay', `${name}.json`);
  return stale ? text : text.replace(/"auth_start":"[^"]*"/, `"auth_start":"${formatShanghaiTimestamp(new Date())}"`);
}

export interface BodyOptions {
  /** Signature to send instead of a correct one; null sends none. */
  sign?: string | null;
  /** Raw members placed before the response node, e.g. `"sign":"…",` orderings. */
  before?: string;
  /** Raw members placed after the sign. */
  after?: string;
  /** Sign over this text instead of the node text. */
  signOver?: string;
}

/** A gateway body built by concatenation, signed over the node's raw text like the real gateway. */
export function gatewayBody(nodeName: string, nodeText: string, opts: BodyOptions = {}): string {
  const sign = opts.sign === undefined ? alipaySign(opts.signOver ?? nodeText) : opts.sign;
  const signMember = sign === null ? '' : `,"sign":"${sign}"`;
  return `{${opts.before ?? ''}"${nodeName}":${nodeText}${signMember}${opts.after ?? ''}}`;
}

export interface CapturedRequest {
  query: URLSearchParams;
  body: URLSearchParams;
  headers: Record<string, string | string[]>;
}

/** Intercepts one gateway POST for `method` and records what was sent. */
export function nockGateway(
  method: string,
  body: string,
  status = 200,
  headers: Record<string, string> = { 'content-type': 'text/html;charset=utf-8' },
): { captured: CapturedRequest[]; scope: nock.Scope } {
  const captured: CapturedRequest[] = [];
  const scope = nock(GATEWAY_ORIGIN)
    .post('/gateway.do', () => true)
    .query((q) => q.method === method)
    .reply(function (uri, requestBody) {
      captured.push({
        query: new URL(uri, GATEWAY_ORIGIN).searchParams,
        body: new URLSearchParams(String(requestBody)),
        headers: this.req.headers as Record<string, string | string[]>,
      });
      return [status, body, headers];
    });
  return { captured, scope };
}

export function nockToken(nodeName: string, nodeText: string, opts: BodyOptions = {}) {
  return nockGateway('alipay.system.oauth.token', gatewayBody(nodeName, nodeText, opts));
}

export function callback(query: Record<string, unknown>) {
  return (req: Record<string, any>) => {
    req.query = query;
    req.url = '/auth/alipay/callback?' + new URLSearchParams(query as Record<string, string>).toString();
  };
}
