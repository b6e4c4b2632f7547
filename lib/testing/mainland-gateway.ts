/**
 * The simulated mainland OpenAPI gateway (`POST /gateway.do`): alipay.system.oauth.token (both
 * grants) and alipay.user.info.share, also for merchants' apps through a service provider's
 * app_auth_token, and alipay.open.auth.token.app (+ .query), with request signatures checked like
 * the real gateway.
 */
import type { KeyObject } from 'crypto';
import { formatShanghaiTimestamp } from '../core/clock';
import { verifySha256WithRsa } from '../core/rsa';
import { responseNodeName } from '../alipay/response';
import { signedAnswer, type SignedAnswer } from './answer';
import { gatewaySignContent } from './gateway-sign-content';
import type { Registry, SimulatedApp } from './registry';

/** How far the request timestamp may be from Shanghai's clock before the gateway refuses it. */
const TIMESTAMP_TOLERANCE_MS = 15 * 60 * 1000;

export interface GatewayContext {
  registry: Registry;
  alipayPrivateKey: KeyObject;
  alipayCertSn?: string;
  now: () => number;
}

type Fields = Record<string, unknown>;

class Refusal {
  constructor(readonly fields: Fields, readonly inNode = false) {}
}

const refuse = (code: string, msg: string, subCode: string, subMsg: string, inNode = false) =>
  new Refusal({ code, msg, sub_code: subCode, sub_msg: subMsg }, inNode);

function checkTimestamp(timestamp: string | undefined, now: number): void {
  const parsed = timestamp && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(timestamp) ? Date.parse(`${timestamp.replace(' ', 'T')}+08:00`) : NaN;
  if (!Number.isFinite(parsed) || Math.abs(parsed - now) > TIMESTAMP_TOLERANCE_MS) {
    throw refuse('40002', 'Invalid Arguments', 'isv.invalid-timestamp', `非法的时间戳参数 (gateway time ${formatShanghaiTimestamp(new Date(now))})`);
  }
}

function checkRequest(params: Record<string, string>, ctx: GatewayContext): SimulatedApp {
  for (const name of ['app_id', 'method', 'sign', 'sign_type', 'timestamp', 'version', 'charset']) {
    if (!params[name]) throw refuse('40001', 'Missing Required Arguments', `isv.missing-${name.replace(/_/g, '-')}`, `缺少${name}参数`);
  }
  const app = ctx.registry.apps.get(params.app_id);
  if (!app) throw refuse('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
  if (params.sign_type !== 'RSA2') throw refuse('40002', 'Invalid Arguments', 'isv.invalid-signature-type', '无效的签名类型');
  const content = gatewaySignContent(params);
  if (!verifySha256WithRsa(content, params.sign, app.publicKey)) {
    throw refuse(
      '40002',
      'Invalid Arguments',
      'isv.invalid-signature',
      `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`,
    );
  }
  checkTimestamp(params.timestamp, ctx.now());
  return app;
}

/**
 * A provider's call for a merchant's app (a top-level `app_auth_token`, PROTOCOL A9): the token
 * must be one the merchant granted to this provider, alive and covering the method. The call then
 * acts as the merchant's app: its codes, its tokens, its user ids.
 */
function actingApp(provider: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): SimulatedApp {
  const token = params.app_auth_token;
  if (token === undefined || token === '') return provider;
  const auth = ctx.registry.appAuthTokens.get(token);
  if (!auth || !auth.valid || auth.providerAppId !== provider.appId) {
    throw refuse('20001', 'Insufficient Token Permissions', 'aop.invalid-app-auth-token', '无效的应用授权令牌');
  }
  if (auth.expiresAt < ctx.now()) throw refuse('20001', 'Insufficient Token Permissions', 'aop.app-auth-token-time-out', '应用授权令牌已过期');
  if (!auth.authMethods.includes(params.method)) {
    throw refuse('40006', 'Insufficient Permissions', 'isv.insufficient-isv-permissions', 'ISV权限不足，建议在开发者中心检查对应功能是否已经添加');
  }
  const merchant = ctx.registry.apps.get(auth.merchantAppId);
  if (!merchant) throw refuse('20000', 'Service Currently Unavailable', 'isp.unknow-error', '系统繁忙');
  return merchant;
}

function bizContent(params: Record<string, string>): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(params.biz_content ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw refuse('40002', 'Invalid Arguments', 'isv.invalid-parameter', 'biz_content 参数不合法');
}

/** alipay.open.auth.token.app: an app_auth_code or app_refresh_token for the provider's tokens. */
function appAuthToken(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const { registry } = ctx;
  const biz = bizContent(params);
  let issued: { appAuthToken: string; appRefreshToken: string };
  if (biz.grant_type === 'authorization_code') {
    const found = typeof biz.code === 'string' ? registry.consumeAppAuthCode(biz.code, app.appId) : undefined;
    if (!found) throw refuse('40002', 'Invalid Arguments', 'isv.code-invalid', '授权码code无效');
    issued = found;
  } else if (biz.grant_type === 'refresh_token') {
    const refreshed = registry.refreshAppAuthToken(typeof biz.refresh_token === 'string' ? biz.refresh_token : '', app.appId);
    if (refreshed === 'used') throw refuse('40002', 'Invalid Arguments', 'isv.refreshed-token-invalid', '刷新令牌已使用');
    if (refreshed === 'invalid') throw refuse('40002', 'Invalid Arguments', 'isv.refresh-token-invalid', '刷新令牌refresh_token无效');
    issued = refreshed;
  } else {
    throw refuse('40002', 'Invalid Arguments', 'isv.grant-type-invalid', 'grant_type参数不正确');
  }
  const auth = registry.appAuthTokens.get(issued.appAuthToken)!;
  const token = {
    app_auth_token: issued.appAuthToken,
    app_refresh_token: issued.appRefreshToken,
    auth_app_id: auth.merchantAppId,
    expires_in: registry.lifetimes.appAuthTokenSec,
    re_expires_in: registry.lifetimes.appAuthTokenSec + 7 * 24 * 3600,
    user_id: auth.merchantUserId,
  };
  // Newer answers carry the flat fields and the `tokens` array (batch authorization) both.
  return { code: '10000', msg: 'Success', ...token, tokens: [token] };
}

/** alipay.open.auth.token.app.query: the state of an app_auth_token the provider holds. */
function appAuthTokenQuery(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const biz = bizContent(params);
  const auth = typeof biz.app_auth_token === 'string' ? ctx.registry.appAuthTokens.get(biz.app_auth_token) : undefined;
  if (!auth || auth.providerAppId !== app.appId) {
    throw refuse('20001', 'Insufficient Token Permissions', 'aop.invalid-app-auth-token', '无效的应用授权令牌', true);
  }
  const remaining = Math.max(0, Math.floor((auth.expiresAt - ctx.now()) / 1000));
  return {
    code: '10000',
    msg: 'Success',
    user_id: auth.merchantUserId,
    auth_app_id: auth.merchantAppId,
    expires_in: remaining,
    auth_methods: auth.authMethods,
    auth_start: formatShanghaiTimestamp(new Date(auth.authStart)),
    auth_end: formatShanghaiTimestamp(new Date(auth.expiresAt)),
    status: auth.valid && remaining > 0 ? 'valid' : 'invalid',
  };
}

function identity(app: SimulatedApp, userId: string, ctx: GatewayContext): Fields {
  const ids: Fields = {};
  const mode = ctx.registry.idModeFor(app, userId);
  if (mode !== 'open_id') ids.user_id = userId;
  if (mode !== 'user_id') ids.open_id = ctx.registry.openIdOf(app.appId, userId);
  if (app.unionGroup) ids.union_id = ctx.registry.unionIdOf(app.unionGroup, userId);
  return ids;
}

/** Most user ids one batch query takes (the simulator's limit; Alipay documents none we found). */
export const OPENID_BATCH_LIMIT = 100;
const LEGACY_USER_ID = /^2088\d{12}$/;

function userIdList(biz: Record<string, unknown>): string[] {
  const list = biz.user_id_list;
  if (!Array.isArray(list) || list.length === 0 || list.some((id) => typeof id !== 'string')) {
    throw refuse('40002', 'Invalid Arguments', 'isv.invalid-parameter', 'user_id_list 参数不合法');
  }
  if (list.length > OPENID_BATCH_LIMIT) throw refuse('40002', 'Invalid Arguments', 'isv.invalid-parameter', `user_id_list 超过最大数量${OPENID_BATCH_LIMIT}`);
  return list as string[];
}

function openIdEntry(app: SimulatedApp, userId: string, ctx: GatewayContext): Fields {
  return {
    user_id: userId,
    open_id: ctx.registry.openIdOf(app.appId, userId),
    union_id: app.unionGroup ? ctx.registry.unionIdOf(app.unionGroup, userId) : '',
  };
}

/** alipay.open.app.openid.uidtoopenid.batchquery: the open_id of each legacy user id (malformed ones are left out). */
function uidToOpenId(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const ids = userIdList(bizContent(params));
  return { code: '10000', msg: 'Success', open_id_list: ids.filter((id) => LEGACY_USER_ID.test(id)).map((id) => openIdEntry(app, id, ctx)) };
}

/** alipay.open.app.openid.batchquery: the same within an approved work order; ids outside it are illegal. */
function openIdBatchQuery(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const biz = bizContent(params);
  const ids = userIdList(biz);
  const order = typeof biz.order_id === 'string' ? app.workOrders.get(biz.order_id) : undefined;
  if (!order) throw refuse('40004', 'Business Failed', 'ORDER_NOT_EXIST', '工单不存在或未审核通过', true);
  const legal = ids.filter((id) => order.has(id) && LEGACY_USER_ID.test(id));
  return {
    code: '10000',
    msg: 'Success',
    open_id_list: legal.map((id) => openIdEntry(app, id, ctx)),
    illegal_user_id_list: ids.filter((id) => !legal.includes(id)),
  };
}

/** alipay.user.deloauth.detail.query: who revoked the app on `date` (yyyy-MM-dd, Shanghai), a page at a time. */
function deloauthDetails(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const biz = bizContent(params);
  const date = typeof biz.date === 'string' && /^\d{4}-\d\d-\d\d$/.test(biz.date) ? biz.date : undefined;
  const limit = Number(biz.limit ?? 100);
  const offset = Number(biz.offset ?? 1);
  if (!date || !Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 1) {
    throw refuse('40002', 'Invalid Arguments', 'isv.invalid-parameter', 'date/limit/offset 参数不合法');
  }
  const onDate = ctx.registry.revocations.filter((r) => r.appId === app.appId && formatShanghaiTimestamp(new Date(r.at)).startsWith(date));
  const details = onDate.slice((offset - 1) * limit, offset * limit).map((r) => ({
    ...identity(app, r.userId, ctx),
    scope: r.scope,
    del_auth_time: formatShanghaiTimestamp(new Date(r.at)),
  }));
  return { code: '10000', msg: 'Success', details };
}

function oauthToken(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const { registry } = ctx;
  let grant: { userId: string; scope: string };
  if (params.grant_type === 'authorization_code') {
    const code = params.code ? registry.consumeCode(params.code, app.appId) : undefined;
    if (!code) throw refuse('40002', 'Invalid Arguments', 'isv.code-invalid', '授权码code无效');
    grant = code;
  } else if (params.grant_type === 'refresh_token') {
    const used = registry.useRefreshToken(params.refresh_token ?? '', app.appId);
    if (used.reason === 'used') throw refuse('40002', 'Invalid Arguments', 'isv.refreshed-token-invalid', '刷新令牌已使用');
    if (!used.grant) throw refuse('40002', 'Invalid Arguments', 'isv.refresh-token-invalid', '刷新令牌refresh_token无效');
    grant = used.grant;
  } else {
    throw refuse('40002', 'Invalid Arguments', 'isv.grant-type-invalid', 'grant_type参数不正确');
  }
  const tokens = registry.issueTokens(app.appId, grant.userId, grant.scope);
  return {
    access_token: tokens.accessToken,
    auth_start: formatShanghaiTimestamp(new Date(tokens.issuedAt)),
    expires_in: registry.lifetimes.accessTokenSec,
    re_expires_in: registry.lifetimes.refreshTokenSec,
    refresh_token: tokens.refreshToken,
    ...identity(app, grant.userId, ctx),
  };
}

function userInfo(app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext): Fields {
  const token = ctx.registry.accessToken(params.auth_token ?? '', app.appId);
  if (!token || !token.scope.split(',').includes('auth_user')) {
    throw refuse('20001', 'Insufficient Token Permissions', 'aop.invalid-auth-token', '无效的访问令牌', true);
  }
  const user = ctx.registry.user(token.userId);
  if (!user) throw refuse('20000', 'Service Currently Unavailable', 'isp.unknow-error', '系统繁忙', true);
  const info: Fields = { code: '10000', msg: 'Success', ...identity(app, user.userId, ctx), nick_name: user.nickName };
  if (user.avatar) info.avatar = user.avatar;
  if (user.gender) info.gender = user.gender;
  if (user.province) info.province = user.province;
  if (user.city) info.city = user.city;
  return info;
}

const METHODS: Record<string, (app: SimulatedApp, params: Record<string, string>, ctx: GatewayContext) => Fields> = {
  'alipay.system.oauth.token': oauthToken,
  'alipay.user.info.share': userInfo,
  'alipay.open.auth.token.app': appAuthToken,
  'alipay.open.auth.token.app.query': appAuthTokenQuery,
  'alipay.open.app.openid.uidtoopenid.batchquery': uidToOpenId,
  'alipay.open.app.openid.batchquery': openIdBatchQuery,
  'alipay.user.deloauth.detail.query': deloauthDetails,
};

/** Answers one gateway request; `params` merges the query string and the form body. */
export function answerGateway(params: Record<string, string>, ctx: GatewayContext): SignedAnswer {
  const extra: Record<string, string> = ctx.alipayCertSn ? { alipay_cert_sn: ctx.alipayCertSn } : {};
  const method = params.method ?? '';
  try {
    const provider = checkRequest(params, ctx);
    const handler = METHODS[method];
    if (!handler) throw refuse('40004', 'Business Failed', 'isv.invalid-method', `不存在的方法名 ${method}`);
    const app = actingApp(provider, params, ctx);
    return signedAnswer(responseNodeName(method), handler(app, params, ctx), 'sign', ctx.alipayPrivateKey, extra);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    const member = e.inNode && method ? responseNodeName(method) : 'error_response';
    return signedAnswer(member, e.fields, 'sign', ctx.alipayPrivateKey, extra);
  }
}
