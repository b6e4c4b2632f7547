/** The demo's HTML pages. Everything interpolated is escaped. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value as JavaScript source inside a <script> element: `<` escaped so no `</script>` can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · passport-alipay demo</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC",sans-serif;background:#f4f6fb;margin:0;padding:2rem;color:#222}
main{max-width:32rem;margin:auto;background:#fff;border-radius:14px;padding:1.5rem 2rem;box-shadow:0 2px 14px #0002}
h1{font-size:1.3rem}a.button,button{display:block;width:100%;box-sizing:border-box;text-align:center;font-size:1rem;padding:.7rem;margin:.6rem 0;border-radius:8px;border:0;cursor:pointer;text-decoration:none}
.alipay{background:#1677ff;color:#fff}.macao{background:#00a0e9;color:#fff}.local{background:#eee;color:#222}
input:not([type=radio]):not([type=checkbox]){width:100%;box-sizing:border-box;padding:.5rem;margin:.25rem 0;border:1px solid #ccc;border-radius:6px}
pre{background:#f4f6fb;padding:.5rem;border-radius:6px;overflow:auto;font-size:.8rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#666}dd{margin:0;word-break:break-all}
.error{color:#b00020}.note{color:#666;font-size:.85rem}img.avatar{width:64px;height:64px;border-radius:50%}
.phone{max-width:22rem;margin:auto}fieldset{border:1px solid #ddd;border-radius:8px;margin:.6rem 0}label{display:block;margin:.3rem 0}label input{margin-right:.4rem}
</style></head><body><main>${body}</main></body></html>`;
}

export interface HomeOptions {
  csrfToken: string;
  /** The simulator's address when every Alipay side runs on it. */
  simulator?: string;
  /** Which sides run on the simulator (partial simulation, explicitly allowed). */
  simulated: { mainland: boolean; macao: boolean };
  localAccount: boolean;
  /** The user was just signed out because they revoked the app's authorization in Alipay. */
  revoked?: boolean;
}

export function homePage(opts: HomeOptions): string {
  const mode = opts.simulated.mainland && opts.simulated.macao
    ? `Running on the built-in Alipay simulator at ${escapeHtml(opts.simulator)}: no real Alipay account is involved.`
    : opts.simulated.mainland || opts.simulated.macao
      ? `Alipay (mainland) is ${opts.simulated.mainland ? 'simulated' : 'real'}; Alipay Macao is ${opts.simulated.macao ? 'simulated' : 'real'}.`
      : 'Talking to Alipay.';
  return layout(
    'Sign in',
    `<h1>passport-alipay demo</h1>
<p>Passport strategies side by side.</p>
${opts.revoked ? '<p class="error" id="revoked">You were signed out everywhere: you revoked this app\'s authorization in Alipay.</p>' : ''}
<a class="button alipay" id="login-alipay" href="/auth/alipay">Sign in with Alipay</a>
<a class="button macao" id="login-macao" href="/auth/alipay-macao/start">Sign in with Alipay Macao</a>
${opts.simulated.mainland ? '<a class="button alipay" id="login-mini" href="/mini-program">Open the simulated mini program</a>' : ''}
${opts.simulated.mainland ? '<a class="button macao" id="provider" href="/provider">Service provider mode (merchants\' apps)</a>' : ''}
${opts.localAccount ? `<form method="post" action="/login/local">
<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrfToken)}">
<input name="username" id="username" placeholder="username (demo)" autocomplete="username">
<input name="password" id="password" type="password" placeholder="password (demo-password)" autocomplete="current-password">
<button class="local" id="login-local" type="submit">Sign in with a local account</button>
</form>` : ''}
<p class="note" id="mode">${mode}</p>`,
  );
}

export interface ShownUser {
  provider: string;
  id: string;
  displayName?: string;
  photo?: string;
  details: Record<string, string | undefined>;
  /** Which login the user went through. */
  flow: string;
  /** What Alipay returned: the verified profile payload and the token params, without any token. */
  returned?: { profile: unknown; params: unknown };
}

export function profilePage(user: ShownUser, csrfToken: string): string {
  const rows = Object.entries({ provider: user.provider, id: user.id, name: user.displayName, ...user.details })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd id="profile-${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('');
  const returned = user.returned
    ? `<h2>What Alipay returned</h2><p class="note">Verified answers, tokens left out (they never reach the session).</p>
<h3>profile._json</h3><pre id="returned-profile">${escapeHtml(JSON.stringify(user.returned.profile, null, 2))}</pre>
<h3>params</h3><pre id="returned-params">${escapeHtml(JSON.stringify(user.returned.params, null, 2))}</pre>`
    : '';
  return layout(
    'Profile',
    `<h1>Signed in</h1>${user.photo ? `<img class="avatar" alt="" src="${escapeHtml(user.photo)}">` : ''}
<p id="profile-flow">Signed in through: <strong>${escapeHtml(user.flow)}</strong></p>
<dl>${rows}</dl>${returned}
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button class="local" id="logout" type="submit">Sign out</button></form>`,
  );
}

/** The same page whichever Alipay the user cancelled on. */
export function cancelledPage(where: 'Alipay' | 'Alipay MO'): string {
  return failurePage(
    'Sign-in cancelled',
    `You cancelled on ${where}'s authorization page, so nothing was shared with this site. Start again whenever you like.`,
  );
}

export function failurePage(title: string, message: string, code?: string): string {
  return layout(
    title,
    `<h1 id="failure-title">${escapeHtml(title)}</h1><p class="error" id="failure-message">${escapeHtml(message)}</p>
${code ? `<p class="note">Code: <code id="failure-code">${escapeHtml(code)}</code></p>` : ''}<a class="button local" href="/">Back</a>`,
  );
}

/**
 * Posts `{authCode, …}` as JSON with the CSRF token in a header, then follows the answer: the
 * profile on success, the failure shown in place otherwise. Shared by the Macao and mini-program
 * pages: posted codes are accepted only as JSON (login CSRF).
 */
const POST_CODE_SCRIPT = `
function postCode(url, body, csrf) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) })
    .then(function (res) { return res.json(); })
    .then(function (answer) {
      if (answer.location) { location.href = answer.location; return; }
      var e = answer.error || {};
      document.getElementById('failure-title').textContent = e.title || 'Sign-in failed';
      document.getElementById('failure-message').textContent = e.message || 'Sign-in was not completed.';
      document.getElementById('failure-code').textContent = e.code || '';
      document.getElementById('failure').hidden = false;
    });
}`;

const FAILURE_SLOT = '<div id="failure" hidden><h2 id="failure-title"></h2><p class="error" id="failure-message"></p><p class="note"><code id="failure-code"></code></p></div>';

/**
 * The Macao start page. Inside the Alipay MO app, AlipayJSBridge issues the authCode and the page
 * posts it as JSON; in simulator mode the browser goes to the simulator's grant page instead.
 */
export function macaoStartPage(opts: { csrfToken: string; grantURL?: string }): string {
  return layout(
    'Alipay Macao',
    `<h1>Sign in with Alipay Macao</h1><p id="macao-status">Asking Alipay MO for an authorization code…</p>${FAILURE_SLOT}
<script>${POST_CODE_SCRIPT}
(function () {
  var csrf = ${scriptJson(opts.csrfToken)};
  function viaBridge() {
    AlipayJSBridge.call('getAuthCode', { scopeNicks: ['auth_base'] }, function (result) {
      if (result && result.authCode) postCode('/auth/alipay-macao', { authCode: result.authCode }, csrf);
      else document.getElementById('macao-status').textContent = 'Authorization was not granted.';
    });
  }
  if (window.AlipayJSBridge) viaBridge();
  else if (${scriptJson(Boolean(opts.grantURL))}) location.href = ${scriptJson(opts.grantURL ?? '')};
  else document.addEventListener('AlipayJSBridgeReady', viaBridge, false);
})();
</script>
<p class="note">Outside the Alipay MO app this page waits for AlipayJSBridge.</p>`,
  );
}

/**
 * Where the simulator's grant page returns (simulator mode only). It is reached only with the
 * one-time nonce this browser's session started, and signs in only on the user's click: a code
 * delivered by a link from elsewhere can never sign anyone in.
 */
export function macaoReturnPage(opts: { csrfToken: string; authCode: string }): string {
  return layout(
    'Alipay Macao',
    `<h1>Alipay MO granted access</h1><p>Continue to sign in to the demo with this Alipay Macao account.</p>
<p class="note" id="macao-why-click">Why a click? Alipay MO handed this page a one-time authorization code. Inside the Alipay MO app
your page would post it to your server at once. Here the demo waits for your click, so a code sent to you in a link by someone else
can never sign you in to their account (login CSRF).</p>
<button class="macao" id="macao-continue" type="button">Continue</button>${FAILURE_SLOT}
<script>${POST_CODE_SCRIPT}
document.getElementById('macao-continue').addEventListener('click', function () {
  postCode('/auth/alipay-macao', { authCode: ${scriptJson(opts.authCode)} }, ${scriptJson(opts.csrfToken)});
});
</script>`,
  );
}

/**
 * A phone-sized page standing in for a mini program (simulator mode): "my.getAuthCode" and
 * "my.getPhoneNumber" are answered by the simulator, then the code and phone payload are posted
 * as JSON to the app, as my.request would.
 */
export function miniProgramPage(opts: { csrfToken: string; miniProgramURL: string; appId: string; users: { userId: string; nickName: string }[] }): string {
  const users = opts.users
    .map((u, i) => `<label><input type="radio" name="user" value="${escapeHtml(u.userId)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.nickName)}</label>`)
    .join('');
  return layout(
    'Mini program',
    `<div class="phone"><h1>Demo mini program</h1>
<p class="note">Simulated Alipay client: my.getAuthCode and my.getPhoneNumber are answered by the simulator.</p>
<fieldset><legend>Alipay user in this client</legend>${users}</fieldset>
<label><input type="checkbox" id="share-phone"> Share my phone number (my.getPhoneNumber)</label>
<button class="alipay" id="mini-login" type="button">Sign in (my.getAuthCode)</button>${FAILURE_SLOT}</div>
<script>${POST_CODE_SCRIPT}
(function () {
  var sim = ${scriptJson(opts.miniProgramURL)}, appId = ${scriptJson(opts.appId)}, csrf = ${scriptJson(opts.csrfToken)};
  function my(api, body) {
    // text/plain: a simple cross-origin request to the simulator, no preflight.
    return fetch(sim + '/' + api, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json(); });
  }
  document.getElementById('mini-login').addEventListener('click', function () {
    var userId = document.querySelector('input[name="user"]:checked').value;
    my('getAuthCode', { appId: appId, userId: userId, scopes: ['auth_base'] }).then(function (code) {
      var phone = document.getElementById('share-phone').checked ? my('getPhoneNumber', { appId: appId, userId: userId }) : Promise.resolve({});
      return phone.then(function (p) { return postCode('/auth/alipay/in-app', { authCode: code.authCode, phoneNumber: p.response }, csrf); });
    });
  });
})();
</script>`,
  );
}

export function unavailablePage(): string {
  return layout(
    'Temporarily unavailable',
    '<h1 id="failure-title">Temporarily unavailable</h1><p class="error" id="failure-message">The session store is unreachable. Try again in a moment.</p>',
  );
}

export interface ProviderPageOptions {
  /** The merchant apps on the simulator. */
  merchantApps: { appId: string; name: string }[];
  /** The ones that authorized the provider. */
  onboarded: Set<string>;
}

/** Service-provider mode: onboard merchants, then sign users into their apps. */
export function providerPage(opts: ProviderPageOptions): string {
  const rows = opts.merchantApps
    .map(({ appId, name }) =>
      opts.onboarded.has(appId)
        ? `<li id="merchant-${escapeHtml(appId)}">${escapeHtml(name)} <span class="note">${escapeHtml(appId)} · authorized</span>
<a class="button alipay" id="login-${escapeHtml(appId)}" href="/provider/auth?merchant=${encodeURIComponent(appId)}">Sign in to ${escapeHtml(name)} with Alipay</a></li>`
        : `<li id="merchant-${escapeHtml(appId)}">${escapeHtml(name)} <span class="note">${escapeHtml(appId)} · not authorized yet</span></li>`,
    )
    .join('');
  return layout(
    'Service provider',
    `<h1>Service provider (第三方应用)</h1>
<p>This backend signs users into <em>merchants'</em> apps. First a merchant authorizes the provider app
(AlipayMerchantStrategy); then its users sign in through the provider with the merchant's app_auth_token
(AlipayStrategy with the <code>merchant</code> option).</p>
<a class="button macao" id="onboard" href="/provider/merchant">Onboard a merchant (authorize the provider app)</a>
<ul id="merchants">${rows}</ul>
<a class="button local" href="/">Back</a>`,
  );
}
