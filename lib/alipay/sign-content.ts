/**
 * The string a mainland gateway request signs (PROTOCOL A4): every parameter but `sign`, empty ones
 * dropped, keys in ASCII order, `key=value` joined by `&`, raw values (not URL-encoded).
 */
export function buildSignContent(params: Record<string, string | undefined>): string {
  const pairs: [string, string][] = [];
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (key !== 'sign' && value !== undefined && value !== '') pairs.push([key, value]);
  }
  return signContentFromPairs(pairs);
}

/** The sign content of `[key, value]` pairs already without `sign` and empty values; sorts `pairs`. */
export function signContentFromPairs(pairs: [string, string][]): string {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let content = '';
  for (let i = 0; i < pairs.length; i++) content += `${i === 0 ? '' : '&'}${pairs[i][0]}=${pairs[i][1]}`;
  return content;
}

/** `application/x-www-form-urlencoded` text for the query string or body. */
export function encodeForm(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((key) => params[key] !== undefined && params[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key] as string)}`)
    .join('&');
}
