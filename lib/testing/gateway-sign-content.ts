/**
 * The string the simulated gateway verifies a request signature over (PROTOCOL A4), written apart
 * from the package's own sign-content code on purpose: if that code regressed, a simulator using it
 * would agree with the regression and users' tests would pass against a gateway that real Alipay
 * does not match. Every parameter but `sign`, empty values dropped, keys in code-unit order, raw
 * `key=value` pairs joined by `&`.
 */
export function gatewaySignContent(params: Record<string, string>): string {
  const keys: string[] = [];
  for (const key in params) {
    if (key !== 'sign' && params[key] !== '' && params[key] !== undefined && params[key] !== null) keys.push(key);
  }
  // Code-unit order, as Java's String.compareTo and the official SDKs' sort() give it.
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let content = '';
  for (const key of keys) content += `${content === '' ? '' : '&'}${key}=${params[key]}`;
  return content;
}
