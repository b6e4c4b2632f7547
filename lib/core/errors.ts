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
  constructor(message: string, code = 'ALIPAY_SIGNATURE_INVALID') {
    super(message, code);
  }
}

/**
 * The gateway could not be reached or did not answer with a readable response: timeout, network
 * failure, non-2xx status, non-JSON (e.g. an HTML error page) or oversized body.
 */
export class AlipayTransportError extends AlipayError {
  /** The HTTP status, when a response was received. */
  readonly status?: number;

  constructor(message: string, code: string, status?: number) {
    super(message, code);
    if (status !== undefined) this.status = status;
  }
}
