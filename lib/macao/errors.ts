/** The error Alipay Macao returns when it refuses a call (resultStatus F or U). */
import { AlipayError } from '../core/errors';
import { fieldText as str } from '../core/fields';

const ADVICE: Record<string, string> = {
  AUTH_CODE_INVALID:
    'The authCode was already used, has expired (about 10 minutes) or belongs to another client: get a new one with my.getAuthCode.',
  REFRESH_TOKEN_INVALID: 'The refresh token is invalid or expired: the user must authorize again.',
  INVALID_SIGNATURE:
    'Alipay Macao could not verify the request signature: check that privateKey pairs with the public key uploaded for this clientId.',
  KEY_NO_FOUND: 'No public key is registered for this clientId: upload the application public key in the Alipay Macao console.',
  UNKNOWN_CLIENT: 'Alipay Macao does not know this clientId: check the clientId option and the gateway.',
  INVALID_CLIENT_STATUS: 'The client is not active: check its status in the Alipay Macao console.',
  ACCESS_DENIED: 'This client may not call this API: ask Alipay Macao to enable it.',
  CLIENT_FORBIDDEN_ACCESS_API: 'This client may not call this API: ask Alipay Macao to enable it.',
  PARAM_ILLEGAL: 'A parameter was refused: check authMerchantId and authSite.',
  REQUEST_TRAFFIC_EXCEED_LIMIT: 'Too many requests: retry later with a new authCode.',
  UNKNOWN_EXCEPTION:
    'The outcome is unknown: do not trust any token; ask the user to authorize again (an authCode is never re-sent).',
};

/** Whose problem a result code is, as the HTTP status the app should answer (default 502: Alipay's). */
const STATUS: Record<string, number> = {
  AUTH_CODE_INVALID: 400,
  REFRESH_TOKEN_INVALID: 400,
  USER_NOT_EXIST: 403,
  USER_STATUS_ABNORMAL: 403,
  RISK_REJECT: 403,
  OTP_VERIFY_TIMES_EXCEED_LIMIT: 403,
  OTP_VERIFY_UNMATCHED: 403,
  INVALID_SIGNATURE: 500,
  KEY_NO_FOUND: 500,
  UNKNOWN_CLIENT: 500,
  INVALID_CLIENT_STATUS: 500,
  ACCESS_DENIED: 500,
  CLIENT_FORBIDDEN_ACCESS_API: 500,
  PARAM_ILLEGAL: 500,
  NO_INTERFACE_DEF: 500,
  API_IS_INVALID: 500,
  REQUEST_TRAFFIC_EXCEED_LIMIT: 503,
};

/** The `resultInfo` of an Alipay Macao answer. */
export interface MacaoResultInfo {
  resultStatus?: unknown;
  resultCode?: unknown;
  resultCodeId?: unknown;
  resultMsg?: unknown;
}

/** Alipay Macao answered with a `resultStatus` other than `S`: it refused, or the outcome is unknown. */
export class AlipayMacaoAPIError extends AlipayError {
  /** The API function, e.g. `alipay.intl.oauth.auth.applyToken`. */
  readonly functionName: string;
  /** `F` failure, `U` unknown outcome, or whatever unexpected status was sent. */
  readonly resultStatus: string;
  /** What to branch on, e.g. `AUTH_CODE_INVALID` (also `code`). */
  readonly resultCode: string;
  /** The numeric id of the result code (8 digits). */
  readonly resultCodeId?: string;
  /** Alipay Macao's message. */
  readonly resultMsg?: string;
  /** True when a later attempt, with a new authCode, may succeed (`U`, REQUEST_TRAFFIC_EXCEED_LIMIT). */
  readonly retryable: boolean;
  /** False when the failure arrived without a signature: nothing in it is authenticated. */
  readonly signed: boolean;
  /** What the app should answer: 400/403 for the user's code or account, 500 for configuration, 502/503 for Alipay. */
  readonly status: number;

  /** @internal Raised by the strategy; applications only read it. */
  constructor(functionName: string, info: MacaoResultInfo, signed: boolean) {
    const resultStatus = str(info.resultStatus) ?? 'missing';
    const resultCode = str(info.resultCode) ?? 'UNKNOWN';
    const resultMsg = str(info.resultMsg);
    const resultCodeId = str(info.resultCodeId);
    const retryable = resultStatus === 'U' || resultCode === 'REQUEST_TRAFFIC_EXCEED_LIMIT';
    const advice = ADVICE[resultCode] ?? (resultStatus === 'U' ? ADVICE.UNKNOWN_EXCEPTION : undefined);
    super(
      `Alipay Macao ${resultStatus === 'U' ? 'could not confirm' : 'refused'} ${functionName}: ` +
        `${resultStatus} ${resultCode}${resultMsg ? ` (${resultMsg})` : ''}` +
        (signed ? '' : ' [unsigned response]') +
        (advice ? `. ${advice}` : ''),
      resultCode,
    );
    this.functionName = functionName;
    this.resultStatus = resultStatus;
    this.resultCode = resultCode;
    if (resultCodeId !== undefined) this.resultCodeId = resultCodeId;
    if (resultMsg !== undefined) this.resultMsg = resultMsg;
    this.retryable = retryable;
    this.signed = signed;
    this.status = resultStatus === 'U' ? 502 : (STATUS[resultCode] ?? 502);
  }
}
