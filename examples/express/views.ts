/** The demo's HTML pages. Everything interpolated is escaped. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
input{width:100%;box-sizing:border-box;padding:.5rem;margin:.25rem 0;border:1px solid #ccc;border-radius:6px}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#666}dd{margin:0;word-break:break-all}
.error{color:#b00020}.note{color:#666;font-size:.85rem}img.avatar{width:64px;height:64px;border-radius:50%}
</style></head><body><main>${body}</main></body></html>`;
}

export function homePage(opts: { csrfToken: string; simulator?: string }): string {
  return layout(
    'Sign in',
    `<h1>passport-alipay demo</h1>
<p>Three Passport strategies side by side.</p>
<a class="button alipay" id="login-alipay" href="/auth/alipay">Sign in with Alipay</a>
<a class="button macao" id="login-macao" href="/auth/alipay-macao/start">Sign in with Alipay Macao</a>
<form method="post" action="/login/local">
<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrfToken)}">
<input name="username" id="username" placeholder="username (demo)" autocomplete="username">
<input name="password" id="password" type="password" placeholder="password (demo-password)" autocomplete="current-password">
<button class="local" id="login-local" type="submit">Sign in with a local account</button>
</form>
${opts.simulator ? `<p class="note" id="mode">Running on the built-in Alipay simulator at ${escapeHtml(opts.simulator)}: no real Alipay account is involved.</p>` : '<p class="note" id="mode">Talking to Alipay.</p>'}`,
  );
}

export interface ShownUser {
  provider: string;
  id: string;
  displayName?: string;
  photo?: string;
  details: Record<string, string | undefined>;
}

export function profilePage(user: ShownUser, csrfToken: string): string {
  const rows = Object.entries({ provider: user.provider, id: user.id, name: user.displayName, ...user.details })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd id="profile-${escapeHtml(k)}">${escapeHtml(v)}</dd>`)
    .join('');
  return layout(
    'Profile',
    `<h1>Signed in</h1>${user.photo ? `<img class="avatar" alt="" src="${escapeHtml(user.photo)}">` : ''}
<dl>${rows}</dl>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button class="local" id="logout" type="submit">Sign out</button></form>`,
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
 * The Macao start page. Inside the Alipay MO app, AlipayJSBridge issues the authCode; elsewhere the
 * demo sends the browser to the simulator's grant page, which returns to /auth/alipay-macao/return.
 */
export function macaoStartPage(opts: { csrfToken: string; grantURL?: string }): string {
  return layout(
    'Alipay Macao',
    `<h1>Sign in with Alipay Macao</h1><p id="macao-status">Asking Alipay MO for an authorization code…</p>
<form method="post" action="/auth/alipay-macao" id="macao-form">
<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrfToken)}"><input type="hidden" name="authCode" id="authCode"></form>
<script>
(function () {
  var form = document.getElementById('macao-form');
  function send(code) { document.getElementById('authCode').value = code; form.submit(); }
  function viaBridge() {
    AlipayJSBridge.call('getAuthCode', { scopeNicks: ['auth_base'] }, function (result) {
      if (result && result.authCode) send(result.authCode);
      else document.getElementById('macao-status').textContent = 'Authorization was not granted.';
    });
  }
  if (window.AlipayJSBridge) viaBridge();
  else if (${JSON.stringify(Boolean(opts.grantURL))}) location.href = ${JSON.stringify(opts.grantURL ?? '')};
  else document.addEventListener('AlipayJSBridgeReady', viaBridge, false);
})();
</script>
<p class="note">Outside the Alipay MO app this page waits for AlipayJSBridge.</p>`,
  );
}

/** Where the simulator's grant page returns: submits the authCode with the CSRF token. */
export function macaoReturnPage(opts: { csrfToken: string; authCode: string }): string {
  return layout(
    'Alipay Macao',
    `<h1>Signing in…</h1>
<form method="post" action="/auth/alipay-macao" id="macao-form">
<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrfToken)}"><input type="hidden" name="authCode" value="${escapeHtml(opts.authCode)}">
<noscript><button class="macao" type="submit">Continue</button></noscript></form>
<script>document.getElementById('macao-form').submit();</script>`,
  );
}
