/**
 * Gateway calls published on `node:diagnostics_channel`, so operators can wire metrics and traces
 * without patching: channel `passport-alipay:call`, one message per call when it settles. The
 * message never carries a token, an auth code, a key or a signed body.
 */
import { channel } from 'diagnostics_channel';
import { AlipayError, AlipayTransportError } from './errors';

/** The `node:diagnostics_channel` name every gateway call is published on (a CallMessage each; no secrets). */
export const CALL_CHANNEL = 'passport-alipay:call';

/** What a subscriber to `passport-alipay:call` receives. */
export interface CallMessage {
  /** `mainland` (OpenAPI gateway) or `macao` (envelope API). */
  protocol: 'mainland' | 'macao';
  /** The gateway method or envelope function, e.g. `alipay.system.oauth.token`. */
  method: string;
  /** Milliseconds from the request being built to the verified answer (or the failure). */
  durationMs: number;
  /** `success`, or the error's code (e.g. `40002`, `AUTH_CODE_INVALID`, `ALIPAY_TIMEOUT`). */
  outcome: string;
  /** The gateway's HTTP status, when an answer arrived. */
  httpStatus?: number;
}

const calls = channel(CALL_CHANNEL);

/** Runs `call` and publishes its outcome; costs nothing when nobody subscribes. */
export async function observedCall<T>(
  protocol: CallMessage['protocol'],
  method: string,
  call: (onStatus: (status: number) => void) => Promise<T>,
): Promise<T> {
  if (!calls.hasSubscribers) return call(() => {});
  const started = performance.now();
  let httpStatus: number | undefined;
  const publish = (outcome: string) => {
    const message: CallMessage = { protocol, method, durationMs: performance.now() - started, outcome };
    if (httpStatus !== undefined) message.httpStatus = httpStatus;
    calls.publish(message);
  };
  try {
    const result = await call((status) => (httpStatus = status));
    publish('success');
    return result;
  } catch (err) {
    if (err instanceof AlipayTransportError && err.upstreamStatus !== undefined) httpStatus ??= err.upstreamStatus;
    publish(err instanceof AlipayError ? err.code : 'ERROR');
    throw err;
  }
}
