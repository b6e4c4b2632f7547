/**
 * The simulated Alipay Macao open API: applyToken and getUserInfo over the signed envelope, with
 * request signatures checked and the documented result codes.
 */
import type { KeyObject } from 'crypto';
import { formatShanghaiIso } from '../core/clock';
import { findTopLevelMember } from '../core/json-span';
import { recordOrEmpty as record } from '../core/fields';
import { verifySha256WithRsa } from '../core/rsa';
import { signedAnswer, type SignedAnswer } from './answer';
import type { Registry, SimulatedMacaoClient } from './registry';

export interface MacaoContext {
  registry: Registry;
  alipayPrivateKey: KeyObject;
  now: () => number;
}

type Fields = Record<string, unknown>;

class Result {
  constructor(readonly status: 'F' | 'U', readonly code: string, readonly codeId: string, readonly msg: string) {}
}

const RESULT_IDS: Record<string, string> = {
  PARAM_ILLEGAL: '00000004',
  INVALID_SIGNATURE: '00000002',
  UNKNOWN_CLIENT: '00000006',
  NO_INTERFACE_DEF: '00000007',
  AUTH_CODE_INVALID: '12005001',
  REFRESH_TOKEN_INVALID: '12005002',
  OAUTH_FAILED: '12005004',
  UNKNOWN_EXCEPTION: '00000900',
};

const fail = (code: string, msg: string) => new Result('F', code, RESULT_IDS[code] ?? '00000001', msg);

const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

function expiry(now: number, seconds: number): string {
  return formatShanghaiIso(new Date(now + seconds * 1000));
}

function applyToken(client: SimulatedMacaoClient, body: Fields, ctx: MacaoContext): Fields {
  const { registry } = ctx;
  if (body.authMerchantId !== client.authMerchantId) throw fail('PARAM_ILLEGAL', 'authMerchantId is illegal');
  if (body.authSite !== 'ALIPAY_MO') throw fail('PARAM_ILLEGAL', 'authSite is illegal');
  let grant: { userId: string; scope: string };
  if (body.grantType === 'AUTHORIZATION_CODE') {
    const code = typeof body.authCode === 'string' ? registry.consumeCode(body.authCode, client.clientId) : undefined;
    if (!code) throw fail('AUTH_CODE_INVALID', 'auth code is invalid');
    grant = code;
  } else if (body.grantType === 'REFRESH_TOKEN') {
    const used = registry.useRefreshToken(typeof body.refreshToken === 'string' ? body.refreshToken : '', client.clientId);
    if (!used.grant) throw fail('REFRESH_TOKEN_INVALID', 'refresh token is invalid');
    grant = used.grant;
  } else {
    throw fail('PARAM_ILLEGAL', 'grantType is illegal');
  }
  const user = registry.user(grant.userId);
  if (!user) throw fail('OAUTH_FAILED', 'user not found');
  const tokens = registry.issueTokens(client.clientId, grant.userId, grant.scope);
  return {
    accessTokenInfo: {
      accessToken: tokens.accessToken,
      expiresIn: expiry(tokens.issuedAt, registry.lifetimes.accessTokenSec),
      refreshToken: tokens.refreshToken,
      reExpiresIn: expiry(tokens.issuedAt, registry.lifetimes.refreshTokenSec),
      tokenStatus: 'ACTIVE',
    },
    authSiteUserId: user.macaoUserId,
  };
}

function getUserInfo(client: SimulatedMacaoClient, body: Fields, ctx: MacaoContext, head: Fields): Fields {
  const token = ctx.registry.accessToken(typeof head.accessToken === 'string' ? head.accessToken : '', client.clientId);
  if (!token) throw fail('OAUTH_FAILED', 'access token is invalid');
  if (body.merchantId !== client.authMerchantId) throw fail('PARAM_ILLEGAL', 'merchantId is illegal');
  const user = ctx.registry.user(token.userId);
  return user?.mobileNo ? { mobileNo: user.mobileNo } : {};
}

export const MACAO_FUNCTIONS: Record<string, (c: SimulatedMacaoClient, body: Fields, ctx: MacaoContext, head: Fields) => Fields> = {
  'alipay.intl.oauth.auth.applyToken': applyToken,
  'alipay.intl.user.query.getUserInfo': getUserInfo,
};

/**
 * Answers one envelope request to `functionName` (from the URL path). The answer puts `body` before
 * `head`, as real responses do, so clients that assume key order fail here first.
 */
export function answerMacao(functionName: string, raw: string, ctx: MacaoContext, forcedResult?: 'U'): SignedAnswer {
  let head: Fields = {};
  let resultBody: Fields;
  try {
    const span = findTopLevelMember(raw, 'request');
    let envelope: Fields;
    try {
      envelope = JSON.parse(raw);
    } catch {
      throw fail('PARAM_ILLEGAL', 'request is not JSON');
    }
    if (span.status !== 'found') throw fail('PARAM_ILLEGAL', 'request member is missing or repeated');
    const request = record(envelope.request);
    head = record(request.head);
    const client = ctx.registry.macaoClients.get(String(head.clientId));
    if (!client) throw fail('UNKNOWN_CLIENT', 'unknown client');
    const signature = typeof envelope.signature === 'string' ? envelope.signature : '';
    if (!verifySha256WithRsa(span.text, signature, client.publicKey)) throw fail('INVALID_SIGNATURE', 'signature is invalid');
    if (head.version !== '2.0.0' || head.function !== functionName) throw fail('PARAM_ILLEGAL', 'head.version or head.function is illegal');
    if (typeof head.reqTime !== 'string' || !ISO_WITH_OFFSET.test(head.reqTime)) throw fail('PARAM_ILLEGAL', 'reqTime is illegal');
    if (typeof head.reqMsgId !== 'string' || head.reqMsgId === '' || head.reqMsgId.length > 64) {
      throw fail('PARAM_ILLEGAL', 'reqMsgId is illegal');
    }
    const handler = MACAO_FUNCTIONS[functionName];
    if (!handler) throw fail('NO_INTERFACE_DEF', 'no such function');
    if (forcedResult === 'U') throw new Result('U', 'UNKNOWN_EXCEPTION', RESULT_IDS.UNKNOWN_EXCEPTION, 'unknown exception');
    resultBody = {
      ...handler(client, record(request.body), ctx, head),
      resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' },
    };
  } catch (e) {
    if (!(e instanceof Result)) throw e;
    resultBody = { resultInfo: { resultStatus: e.status, resultCodeId: e.codeId, resultCode: e.code, resultMsg: e.msg } };
  }
  const responseHead = {
    version: '2.0.0',
    function: functionName,
    clientId: typeof head.clientId === 'string' ? head.clientId : '',
    reqMsgId: typeof head.reqMsgId === 'string' ? head.reqMsgId : '',
    respTime: formatShanghaiIso(new Date(ctx.now())),
  };
  return signedAnswer('response', { body: resultBody, head: responseHead }, 'signature', ctx.alipayPrivateKey);
}
