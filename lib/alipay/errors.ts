/** The error Alipay's mainland gateway returns when it refuses a call. */
import { AlipayError } from '../core/errors';
import { fieldText as str } from '../core/fields';

/** What to check for the sub_codes an application can do something about. */
const ADVICE: Record<string, string> = {
  'isv.code-invalid':
    'The auth_code was already used, has expired, or was issued to another app: start the login again.',
  'isv.invalid-signature':
    'Alipay could not verify the request signature: check that privateKey pairs with the application ' +
    'public key uploaded to the Alipay console, and compare subMsg (the string Alipay verified) with signContent.',
  'isv.invalid-app-id': 'Check appId, and that sandbox/gatewayURL point at the environment the app belongs to.',
  'isv.refresh-token-invalid': 'The refresh token is invalid or expired: the user must sign in again.',
  'isv.refreshed-token-invalid': 'This refresh token was already used: keep the newest refresh token returned by each refresh.',
  'aop.invalid-auth-token':
    'The access token cannot read user information: request scope auth_user, or set skipUserProfile.',
  'aop.auth-token-time-out':
    'The access token has expired: sign the user in again, or refresh the token before reading user information.',
  'isv.insufficient-isv-permissions':
    'The app lacks this capability: in the Alipay console add 获取会员基础信息 (member basic information; ' +
    'mini programs cannot add the old 获取会员信息 package), or 获取会员手机号 for phone numbers.',
  'isp.unknow-error': 'Alipay had an internal error; the user can sign in again.',
};

const ADVICE_BY_CODE: Record<string, string> = {
  '40006': 'The app lacks this permission: add the "获取会员信息" capability to the app in the Alipay console.',
  '20001': ADVICE['aop.invalid-auth-token'],
};

/** Masks parameter values that are secrets in the string Alipay echoes for isv.invalid-signature. */
export function redactSignContent(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_])(code|refresh_token|auth_token)=[^&\s]*/g, "$1$2=***");
}

export interface AlipayErrorFields {
  code?: unknown;
  msg?: unknown;
  sub_code?: unknown;
  sub_msg?: unknown;
}

/** Alipay answered and said no: `error_response`, or a `sub_code` inside the method's response. */
export class AlipayAPIError extends AlipayError {
  readonly method: string;
  readonly msg?: string;
  readonly subCode?: string;
  /** Alipay's explanation; secrets it may echo (auth code, tokens) are masked. */
  readonly subMsg?: string;
  /** False when the error response carried no signature: nothing in it is authenticated. */
  readonly signed: boolean;
  /** The content this package signed (secrets masked), to compare with subMsg on isv.invalid-signature. */
  readonly signContent?: string;

  constructor(method: string, fields: AlipayErrorFields, signed: boolean, signContent?: string) {
    const code = str(fields.code) ?? 'unknown';
    const msg = str(fields.msg);
    const subCode = str(fields.sub_code);
    const subMsg = str(fields.sub_msg);
    const safeSubMsg = subMsg === undefined ? undefined : redactSignContent(subMsg);
    const advice = (subCode && ADVICE[subCode]) ?? ADVICE_BY_CODE[code];
    super(
      `Alipay refused ${method}: ${code}${msg ? ` ${msg}` : ''}` +
        (subCode ? ` (${subCode}${safeSubMsg ? `: ${safeSubMsg}` : ''})` : '') +
        (signed ? '' : ' [unsigned response]') +
        (advice ? `. ${advice}` : ''),
      code,
    );
    this.method = method;
    if (msg !== undefined) this.msg = msg;
    if (subCode !== undefined) this.subCode = subCode;
    if (safeSubMsg !== undefined) this.subMsg = safeSubMsg;
    this.signed = signed;
    if (signContent !== undefined && subCode === 'isv.invalid-signature') this.signContent = redactSignContent(signContent);
  }
}
