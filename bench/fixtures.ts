/** What the benchmark's gateway answers and the client expects, shared by both processes. */

/** The reqMsgId of the benchmark's n-th Macao request; the gateway precomputes answers for these. */
export function benchMessageId(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/**
 * Today's midnight in Shanghai: the token answer's auth_start. The strategy refuses answers that
 * started long ago (or whose token has expired); both benchmark processes compute the same value,
 * and the strategy's answerWindow covers the day.
 */
const TODAY_IN_SHANGHAI = `${new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)} 00:00:00`;

/** The mainland token node the gateway signs; the floor verifies it. */
export const TOKEN_NODE =
  `{"access_token":"authusrB4a9f0c2d1e8b7a6AT","alipay_user_id":"20880000000000000000000000000000","auth_start":"${TODAY_IN_SHANGHAI}",` +
  '"expires_in":1296000,"re_expires_in":2592000,"refresh_token":"authusrB4a9f0c2d1e8b7a6RT","user_id":"2088102000000001"}';
