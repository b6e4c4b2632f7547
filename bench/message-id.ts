/** The reqMsgId of the benchmark's n-th Macao request; the gateway precomputes answers for these. */
export function benchMessageId(n: number): string {
  return n.toString(16).padStart(32, '0');
}
