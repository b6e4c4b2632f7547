/**
 * What each mainland refusal means, what to do, and whose problem it is. One table drives the
 * messages of AlipayAPIError (advice, HTTP status) and the README's table of sub-codes (checked by
 * spec/readme.spec.ts), so the two cannot drift apart.
 */
export interface Refusal {
  /** Alipay's `sub_code`, or the `code` when no sub-code identifies the case. */
  key: string;
  /** What happened, for the docs. */
  meaning: string;
  /** What to do; appended to the error's message. */
  advice: string;
  /**
   * What the app should answer: 400 when the user's code or token is the problem (start again),
   * 500 when the app's configuration is, 502 when Alipay itself failed.
   */
  status: 400 | 500 | 502;
}

export const REFUSALS: readonly Refusal[] = [
  {
    key: 'isv.code-invalid',
    meaning: 'the auth_code was already used, has expired, or was issued to another app',
    advice:
      'The auth_code was already used, has expired, or was issued to another app: start the login again. For a service ' +
      "provider's merchant login, the authorization link must name the merchant's app_id, not the provider's.",
    status: 400,
  },
  {
    key: 'isv.invalid-signature',
    meaning: 'Alipay could not verify the request signature',
    advice:
      'Alipay could not verify the request signature: check that privateKey pairs with the application public key uploaded to the ' +
      'Alipay console, and compare subMsg (the string Alipay verified) with signContent (the one this package signed; secrets masked in both).',
    status: 500,
  },
  {
    key: 'isv.invalid-app-id',
    meaning: 'Alipay does not know the APPID',
    advice: 'Check appId, and that sandbox/gatewayURL point at the environment the app belongs to.',
    status: 500,
  },
  {
    key: 'isv.refresh-token-invalid',
    meaning: 'the refresh token is invalid or expired',
    advice: 'The refresh token is invalid or expired: the user must sign in again.',
    status: 400,
  },
  {
    key: 'isv.refreshed-token-invalid',
    meaning: 'the refresh token was already used',
    advice: 'This refresh token was already used: keep the newest refresh token returned by each refresh.',
    status: 400,
  },
  {
    key: 'aop.invalid-auth-token',
    meaning: 'the access token cannot read user information (an auth_base token)',
    advice: 'The access token cannot read user information: request scope auth_user, or set skipUserProfile.',
    status: 500,
  },
  {
    key: 'aop.auth-token-time-out',
    meaning: 'the access token expired before user information was read',
    advice: 'The access token has expired: sign the user in again, or refresh the token before reading user information.',
    status: 400,
  },
  {
    key: 'isv.insufficient-isv-permissions',
    meaning: "the app lacks the capability for this method, or a merchant did not grant it to the service provider (also code 40006)",
    advice:
      'The app lacks this capability: in the Alipay console add 获取会员基础信息 (member basic information; mini programs cannot add ' +
      'the old 获取会员信息 package), or 获取会员手机号 for phone numbers, and publish the app version that uses it. For a service ' +
      "provider, the merchant's authorization must include this API: have the merchant authorize the provider's app again.",
    status: 500,
  },
  {
    key: 'aop.invalid-app-auth-token',
    meaning: "the merchant's app_auth_token is unknown, was revoked, or belongs to another service provider app",
    advice:
      "The merchant's app_auth_token is not valid for this service provider app: the merchant must authorize the provider again " +
      '(AlipayMerchantStrategy), and the token must be used with the provider app it was issued to.',
    status: 500,
  },
  {
    key: 'aop.app-auth-token-time-out',
    meaning: "the merchant's app_auth_token has expired (or was replaced by a refresh more than 10 minutes ago)",
    advice:
      "The merchant's app_auth_token has expired: refresh it with its app_refresh_token (AlipayMerchantStrategy#refresh) and keep " +
      'the new token, or have the merchant authorize the provider again.',
    status: 500,
  },
  {
    key: 'isv.app-unauthorized',
    meaning: 'the app is not online, or not authorized for this method (code 40004)',
    advice: 'The app is not online or not authorized for this method: publish the app in the console (or use the sandbox APPID with sandbox: true).',
    status: 500,
  },
  {
    key: 'isv.missing-encrypt-key',
    meaning: 'content encryption (接口内容加密方式) is not set up for the app, so Alipay sent no encrypted phone number',
    advice: 'Set the content-encryption key (接口内容加密方式, AES) in the Alipay console and give it as aesKey.',
    status: 500,
  },
  {
    key: 'isp.unknow-error',
    meaning: 'Alipay had an internal error (code 20000)',
    advice: 'Alipay had an internal error; the user can sign in again.',
    status: 502,
  },
  {
    key: '40006',
    meaning: 'insufficient permissions, without a more precise sub-code',
    advice: 'The app lacks this capability: in the Alipay console add 获取会员基础信息 (or 获取会员手机号 for phone numbers) and publish the app version that uses it.',
    status: 500,
  },
  {
    key: '20001',
    meaning: 'the access token was refused, without a more precise sub-code',
    advice: 'The access token cannot read user information: request scope auth_user, or set skipUserProfile.',
    status: 500,
  },
];

const BY_KEY = new Map(REFUSALS.map((r) => [r.key, r]));

/** The table row for a refusal: by sub-code first, then by code. */
export function refusalFor(subCode: string | undefined, code: string): Refusal | undefined {
  return (subCode !== undefined ? BY_KEY.get(subCode) : undefined) ?? BY_KEY.get(code);
}
