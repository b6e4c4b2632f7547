/**
 * The string a mainland gateway request signs (PROTOCOL A4): every parameter but `sign`, empty ones
 * dropped, keys in ASCII order, `key=value` joined by `&`, raw values (not URL-encoded).
 */
export function buildSignContent(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && params[key] !== undefined && params[key] !== '')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

/** `application/x-www-form-urlencoded` text for the query string or body. */
export function encodeForm(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((key) => params[key] !== undefined && params[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key] as string)}`)
    .join('&');
}
