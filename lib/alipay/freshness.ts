/**
 * A signed token answer proves that Alipay said it, not when. Mainland answers echo no nonce, so a
 * genuine answer recorded once (by a TLS-inspecting proxy, say) could be replayed for any later
 * code. `auth_start` is inside the signed text: a login's answer must have started within a window
 * of now, and no answer may carry a token whose lifetime has already run out.
 */
import { parseShanghaiTimestamp } from '../core/clock';
import { AlipaySignatureError, AlipayTransportError } from '../core/errors';
import type { AlipayTokenParams } from './profile';

/**
 * Throws when the verified token answer `params` is not fresh at `now`: a login's `auth_start`
 * more than `windowSeconds` away (either way, for clock skew), or a token already expired.
 * An answer without `auth_start` is judged as issued now.
 */
export function checkTokenFreshness(params: AlipayTokenParams, now: Date, windowSeconds: number, isLogin: boolean): void {
  const authStart = params.auth_start;
  if (authStart === undefined || authStart === '') return;
  const started = typeof authStart === 'string' ? parseShanghaiTimestamp(authStart) : undefined;
  if (started === undefined) {
    throw new AlipayTransportError('The verified token response carries an auth_start that is not yyyy-MM-dd HH:mm:ss.', 'ALIPAY_INVALID_RESPONSE');
  }
  const nowMs = now.getTime();
  if (isLogin && Math.abs(nowMs - started) > windowSeconds * 1000) {
    throw new AlipaySignatureError(
      `The token answer says it was issued at ${authStart} (Shanghai time), more than ${windowSeconds} s from this server's clock: ` +
        "a replayed answer, or a wrong server clock (check NTP; the answerWindow option sets the tolerance). Sign in again.",
      'ALIPAY_ANSWER_STALE',
    );
  }
  const expiresIn = params.expires_in;
  if (params.auth_token_type !== 'permanent' && typeof expiresIn === 'number' && started + expiresIn * 1000 < nowMs) {
    throw new AlipaySignatureError(
      `The token answer carries a token that expired (issued ${authStart} Shanghai time for ${expiresIn} s): a replayed answer. Sign in again.`,
      'ALIPAY_ANSWER_STALE',
    );
  }
}
