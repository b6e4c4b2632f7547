/**
 * Error classes shared by both strategies. Every error has a stable `code` so applications can
 * branch on it, and no message ever contains a key, a token or an auth code.
 */

/** Base class of every error this package raises. */
export class AlipayError extends Error {
  /** A stable machine-readable code, e.g. `ALIPAY_SIGNATURE_INVALID`. */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given to a strategy's constructor is missing or unusable. Thrown at construction. */
export class AlipayConfigError extends AlipayError {
  constructor(message: string) {
    super(message, 'ALIPAY_CONFIG_INVALID');
  }
}

/**
 * The response could not be trusted: its signature is missing, does not verify, was made with a
 * certificate other than the configured one, or the response echoes another request.
 */
export class AlipaySignatureError extends AlipayError {
  /**
   * What the app should answer: 502 for a gateway answer that cannot be trusted (upstream trouble),
   * 400 for a payload the client posted (a phone number).
   */
  readonly status: number;

  constructor(message: string, code = 'ALIPAY_SIGNATURE_INVALID', status = 502) {
    super(message, code);
    this.status = status;
  }
}

/** The incoming request is unusable (e.g. a malformed Host header). Carries HTTP status 400. */
export class AlipayRequestError extends AlipayError {
  /** Always 400: the client's request was unusable. */
  readonly status = 400;

  constructor(message: string) {
    super(message, 'ALIPAY_BAD_REQUEST');
  }
}

/**
 * The gateway could not be reached or did not answer with a readable response: timeout, network
 * failure, non-2xx status, non-JSON (e.g. an HTML error page) or oversized body.
 *
 * `status` is what the application should answer (error handlers such as Express's read it): 504
 * when the gateway timed out, else 502. The gateway's own HTTP status is `upstreamStatus`, so a
 * gateway 404 never becomes a 404 for the user.
 */
export class AlipayTransportError extends AlipayError {
  /** What the app should answer: 504 when the gateway timed out, else 502. */
  readonly status: 502 | 504;
  /** The gateway's HTTP status, when a response was received. */
  readonly upstreamStatus?: number;

  constructor(message: string, code: string, upstreamStatus?: number) {
    super(message, code);
    this.status = code === 'ALIPAY_TIMEOUT' ? 504 : 502;
    if (upstreamStatus !== undefined) this.upstreamStatus = upstreamStatus;
  }
}
