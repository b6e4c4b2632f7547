/**
 * The simulator's browser pages: the mainland authorization (consent) page and the Macao in-app
 * grant page that stands in for `AlipayJSBridge.call('getAuthCode')` outside the Alipay MO app.
 */
import type { ServerResponse } from 'http';
import { escapeHtml, hiddenFields, page } from './html';
import { redirect, sendHtml } from './http-util';
import type { Registry, SimulatedApp, SimulatedMacaoClient, SimulatedUser } from './registry';

const SCOPES = new Set(['auth_base', 'auth_user']);

function errorPage(res: ServerResponse, message: string): void {
  sendHtml(res, 400, page('授权失败 Authorization error', `<h1>授权失败</h1><p class="error" id="error">${escapeHtml(message)}</p>`));
}

function userChoices(users: SimulatedUser[]): string {
  return users
    .map(
      (u, i) =>
        `<label><input type="radio" name="user" value="${escapeHtml(u.userId)}"${i === 0 ? ' checked' : ''}> ` +
        `${escapeHtml(u.nickName)} <span class="note">${escapeHtml(u.userId)}</span></label>`,
    )
    .join('');
}

function consentForm(action: string, title: string, app: string, scope: string, fields: Record<string, string>, users: SimulatedUser[]) {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p><strong id="app-name">${escapeHtml(app)}</strong> 申请获取你的支付宝信息 / requests access to your Alipay account.</p>
<p class="note">Scope: <code id="scope">${escapeHtml(scope)}</code></p>
<form method="post" action="${action}">${hiddenFields(fields)}
<fieldset><legend>Test user</legend>${userChoices(users)}</fieldset>
<p><button class="primary" type="submit" name="decision" value="agree" id="agree">同意 Agree</button>
<button type="submit" name="decision" value="cancel" id="cancel">取消 Cancel</button></p>
</form><p class="note">passport-alipay simulator: not Alipay.</p>`,
  );
}

/** A redirect target must be an http(s) URL on one of the registered host names. */
function allowedTarget(target: string | undefined, hosts: string[]): URL | undefined {
  if (!target) return undefined;
  try {
    const url = new URL(target);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && hosts.includes(url.hostname)) return url;
  } catch {
    // not a URL
  }
  return undefined;
}

export interface PageContext {
  registry: Registry;
}

type Query = Record<string, string | undefined>;

type Checked<T> = T | { error: string };

/** Checks an authorization request as Alipay's page does; the error is what the page shows. */
function checkMainland(q: Query, ctx: PageContext): Checked<{ app: SimulatedApp; target: URL }> {
  const app = q.app_id ? ctx.registry.apps.get(q.app_id) : undefined;
  if (!app) return { error: `应用不存在 (unknown app_id ${q.app_id ?? ''})` };
  const scopes = (q.scope ?? '').split(',');
  if (!q.scope || !scopes.every((s) => SCOPES.has(s))) return { error: 'scope 参数不正确 (scope must be auth_base and/or auth_user)' };
  const target = allowedTarget(q.redirect_uri, app.redirectHosts);
  if (!target) return { error: 'redirect_uri 与应用授权回调地址不一致 (redirect_uri is outside the registered callback domain)' };
  if (q.state !== undefined && (q.state.length > 100 || !/^[\x20-\x7e]*$/.test(q.state))) {
    return { error: 'state 参数不正确 (at most 100 ASCII characters)' };
  }
  return { app, target };
}

/**
 * The consent decision: Agree redirects like Alipay (app_id, source, scope, auth_code, state).
 * Alipay documents no refusal redirect; Cancel returns to redirect_uri without an auth_code, which
 * is the case a strategy must treat as a failed login. Returns the callback address.
 */
export function decideMainland(form: Query, ctx: PageContext): Checked<{ location: string }> {
  const checked = checkMainland(form, ctx);
  if ('error' in checked) return checked;
  const { app, target } = checked;
  target.searchParams.set('app_id', app.appId);
  target.searchParams.set('source', 'alipay_wallet');
  target.searchParams.set('scope', form.scope as string);
  if (form.decision === 'agree') {
    const user = ctx.registry.user(form.user ?? '');
    if (!user) return { error: `unknown test user ${form.user ?? ''}` };
    target.searchParams.set('auth_code', ctx.registry.mintCode(app.appId, user.userId, form.scope as string));
  }
  if (form.state !== undefined) target.searchParams.set('state', form.state);
  return { location: target.toString() };
}

/** GET /oauth2/publicAppAuthorize.htm */
export function mainlandConsentPage(q: Query, ctx: PageContext, res: ServerResponse): void {
  const checked = checkMainland(q, ctx);
  if ('error' in checked) return errorPage(res, checked.error);
  const fields: Record<string, string> = { app_id: checked.app.appId, scope: q.scope as string, redirect_uri: q.redirect_uri as string };
  if (q.state !== undefined) fields.state = q.state;
  sendHtml(res, 200, consentForm('/oauth2/consent', '支付宝授权 Alipay authorization', checked.app.name, q.scope as string, fields, ctx.registry.users));
}

/** POST /oauth2/consent */
export function mainlandConsentDecision(form: Query, ctx: PageContext, res: ServerResponse): void {
  const decided = decideMainland(form, ctx);
  if ('error' in decided) return errorPage(res, decided.error);
  redirect(res, decided.location);
}

function checkMacao(q: Query, ctx: PageContext): Checked<{ client: SimulatedMacaoClient; target: URL; scopes: string }> {
  const client = q.clientId ? ctx.registry.macaoClients.get(q.clientId) : undefined;
  if (!client) return { error: `unknown clientId ${q.clientId ?? ''}` };
  const target = allowedTarget(q.redirect_uri, client.returnHosts);
  if (!target) return { error: 'redirect_uri is outside the registered domains of this client' };
  const scopes = q.scopes ?? 'auth_base';
  if (!scopes.split(',').every((s) => SCOPES.has(s))) return { error: 'scopes must be auth_base and/or auth_user' };
  return { client, target, scopes };
}

/** GET /macao/getAuthCode: what my.getAuthCode / AlipayJSBridge getAuthCode show inside the app. */
export function macaoGrantPage(q: Query, ctx: PageContext, res: ServerResponse): void {
  const checked = checkMacao(q, ctx);
  if ('error' in checked) return errorPage(res, checked.error);
  const fields = { clientId: checked.client.clientId, scopes: checked.scopes, redirect_uri: q.redirect_uri as string };
  sendHtml(res, 200, consentForm('/macao/consent', 'Alipay MO 授權 authorization', checked.client.name, checked.scopes, fields, ctx.registry.users));
}

/** POST /macao/consent: sends the authCode (or `authError`) back to the calling page. */
export function macaoGrantDecision(form: Query, ctx: PageContext, res: ServerResponse): void {
  const checked = checkMacao(form, ctx);
  if ('error' in checked) return errorPage(res, checked.error);
  const { client, target, scopes } = checked;
  if (form.decision === 'agree') {
    const user = ctx.registry.user(form.user ?? '');
    if (!user) return errorPage(res, 'unknown test user');
    target.searchParams.set('authCode', ctx.registry.mintCode(client.clientId, user.userId, scopes));
  } else {
    target.searchParams.set('authError', 'USER_CANCELLED');
  }
  redirect(res, target.toString());
}

/** The APIs a merchant grants a service provider on the simulator's page: the user-login ones. */
export const LOGIN_METHODS = ['alipay.system.oauth.token', 'alipay.user.info.share'];

/** Checks an app-authorization request (appToAppAuth.htm) as Alipay's page does. */
function checkAppToApp(q: Query, ctx: PageContext): Checked<{ provider: SimulatedApp; target: URL }> {
  const provider = q.app_id ? ctx.registry.apps.get(q.app_id) : undefined;
  if (!provider) return { error: `应用不存在 (unknown app_id ${q.app_id ?? ''})` };
  if (!provider.serviceProvider) return { error: '该应用不是第三方应用 (the app is not a service provider app)' };
  const target = allowedTarget(q.redirect_uri, provider.redirectHosts);
  if (!target) return { error: 'redirect_uri 与应用授权回调地址不一致 (redirect_uri is outside the registered callback domain)' };
  if (q.state !== undefined && (q.state.length > 100 || !/^[\x20-\x7e]*$/.test(q.state))) {
    return { error: 'state 参数不正确 (at most 100 ASCII characters)' };
  }
  return { provider, target };
}

function merchantApps(ctx: PageContext): SimulatedApp[] {
  return [...ctx.registry.apps.values()].filter((a) => !a.serviceProvider);
}

/**
 * A merchant's decision on the app-authorization page: Agree redirects like Alipay (app_id,
 * source=alipay_app_auth, app_auth_code, state); Cancel returns without app_auth_code.
 */
export function decideAppToApp(form: Query, ctx: PageContext): Checked<{ location: string }> {
  const checked = checkAppToApp(form, ctx);
  if ('error' in checked) return checked;
  const { provider, target } = checked;
  target.searchParams.set('app_id', provider.appId);
  target.searchParams.set('source', 'alipay_app_auth');
  if (form.decision === 'agree') {
    const merchant = ctx.registry.apps.get(form.merchant_app_id ?? '');
    if (!merchant || merchant.serviceProvider) return { error: `unknown merchant app ${form.merchant_app_id ?? ''}` };
    target.searchParams.set('app_auth_code', ctx.registry.authorizeProvider(provider.appId, merchant.appId, LOGIN_METHODS).appAuthCode);
  }
  if (form.state !== undefined) target.searchParams.set('state', form.state);
  return { location: target.toString() };
}

/** GET /oauth2/appToAppAuth.htm: a merchant picks the app it authorizes the provider for. */
export function appToAppPage(q: Query, ctx: PageContext, res: ServerResponse): void {
  const checked = checkAppToApp(q, ctx);
  if ('error' in checked) return errorPage(res, checked.error);
  const fields: Record<string, string> = { app_id: checked.provider.appId, redirect_uri: q.redirect_uri as string };
  if (q.state !== undefined) fields.state = q.state;
  const choices = merchantApps(ctx)
    .map(
      (a, i) =>
        `<label><input type="radio" name="merchant_app_id" value="${escapeHtml(a.appId)}"${i === 0 ? ' checked' : ''}> ` +
        `${escapeHtml(a.name)} <span class="note">${escapeHtml(a.appId)}</span></label>`,
    )
    .join('');
  const title = '第三方应用授权 Authorize a service provider';
  sendHtml(
    res,
    200,
    page(
      title,
      `<h1>${escapeHtml(title)}</h1>
<p><strong id="app-name">${escapeHtml(checked.provider.name)}</strong> 申请代你的应用调用接口 / asks to call Alipay for your app.</p>
<p class="note">APIs: <code id="methods">${escapeHtml(LOGIN_METHODS.join(', '))}</code></p>
<form method="post" action="/oauth2/app-consent">${hiddenFields(fields)}
<fieldset><legend>Your app (test merchant)</legend>${choices || '<p class="error">No merchant apps are registered.</p>'}</fieldset>
<p><button class="primary" type="submit" name="decision" value="agree" id="agree">授权 Authorize</button>
<button type="submit" name="decision" value="cancel" id="cancel">取消 Cancel</button></p>
</form><p class="note">passport-alipay simulator: not Alipay.</p>`,
    ),
  );
}

/** POST /oauth2/app-consent */
export function appToAppDecision(form: Query, ctx: PageContext, res: ServerResponse): void {
  const decided = decideAppToApp(form, ctx);
  if ('error' in decided) return errorPage(res, decided.error);
  redirect(res, decided.location);
}
