/** The error Alipay's mainland gateway returns when it refuses a call. */
import { AlipayError } from '../core/errors';
import { fieldText as str } from '../core/fields';
import { refusalFor } from './refusals';

/** Masks parameter values that are secrets in the string Alipay echoes for isv.invalid-signature. */
export function redactSignContent(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_])(code|refresh_token|auth_token|app_auth_token|app_refresh_token|app_auth_code)=[^&\s]*/g, "$1$2=***");
}

/** The refusal fields of a gateway answer, as Alipay names them. */
export interface AlipayErrorFields {
  code?: unknown;
  msg?: unknown;
  sub_code?: unknown;
  sub_msg?: unknown;
}

/** Alipay answered and said no: `error_response`, or a `sub_code` inside the method's response. */
export class AlipayAPIError extends AlipayError {
  /** The gateway method that was refused, e.g. `alipay.system.oauth.token`. */
  readonly method: string;
  /** Alipay's `msg`, e.g. `Invalid Arguments`. */
  readonly msg?: string;
  /** Alipay's `sub_code`, e.g. `isv.code-invalid`: what to branch on. */
  readonly subCode?: string;
  /** Alipay's explanation; secrets it may echo (auth code, tokens) are masked. */
  readonly subMsg?: string;
  /** False when the error response carried no signature: nothing in it is authenticated. */
  readonly signed: boolean;
  /** The content this package signed (secrets masked), to compare with subMsg on isv.invalid-signature. */
  readonly signContent?: string;
  /**
   * What the app should answer (error handlers such as Express's read it): 400 when the user's code
   * or token was refused (start again), 500 for the app's configuration, 502 when Alipay failed.
   */
  readonly status: number;

  /** @internal Raised by the strategies; applications only read it. */
  constructor(method: string, fields: AlipayErrorFields, signed: boolean, signContent?: string, status?: number) {
    const code = str(fields.code) ?? 'unknown';
    const msg = str(fields.msg);
    const subCode = str(fields.sub_code);
    const subMsg = str(fields.sub_msg);
    const safeSubMsg = subMsg === undefined ? undefined : redactSignContent(subMsg);
    const refusal = refusalFor(subCode, code);
    const advice = refusal?.advice;
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
    this.status = status ?? refusal?.status ?? 502;
    if (signContent !== undefined && subCode === 'isv.invalid-signature') this.signContent = redactSignContent(signContent);
  }
}
