/**
 * Resolving a relative callbackURL against the request. An absolute callbackURL never touches the
 * request: frameworks shape it differently (Fastify 5 requests have no `connection`), and nothing
 * about it is needed. A relative one is resolved the way the framework itself sees the request,
 * so `X-Forwarded-*` headers count only when the framework (or the `proxy` option) trusts them.
 */
import { AlipayRequestError } from './errors';

interface RequestLike {
  headers?: Record<string, string | string[] | undefined>;
  socket?: { encrypted?: boolean; remoteAddress?: string };
  connection?: { encrypted?: boolean; remoteAddress?: string };
  protocol?: unknown;
  host?: unknown;
  app?: { get?: (setting: string) => unknown };
}

const ABSOLUTE = /^https?:\/\//i;
/** A host header: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** A usable Host: the pattern above, with a port (when there is one) from 1 to 65535. */
function usableHost(host: string | undefined): host is string {
  const m = host === undefined ? null : HOST.exec(host);
  if (!m) return false;
  return m[1] === undefined || (Number(m[1]) >= 1 && Number(m[1]) <= 65535);
}

export function isAbsoluteURL(url: string): boolean {
  return ABSOLUTE.test(url);
}

function header(req: RequestLike, name: string): string | undefined {
  const value = req.headers?.[name];
  const text = Array.isArray(value) ? value[0] : value;
  // Proxies append: the first value is the one the client-facing proxy set.
  return typeof text === 'string' ? text.split(',')[0].trim() : undefined;
}

function socketOf(req: RequestLike) {
  return req.socket ?? req.connection;
}

/**
 * Express compiles its `trust proxy` setting to a function of the peer address; this asks it.
 * koa-passport's request stands in for Express with `app.get('trust proxy')` answering Koa's
 * `app.proxy` (a boolean) and no compiled function.
 */
function expressTrustsPeer(req: RequestLike): boolean | undefined {
  if (typeof req.app?.get !== 'function') return undefined;
  const trust = req.app.get('trust proxy fn');
  if (typeof trust === 'function') return Boolean((trust as (addr: string | undefined, i: number) => boolean)(socketOf(req)?.remoteAddress, 0));
  const flag = req.app.get('trust proxy');
  return typeof flag === 'boolean' ? flag : undefined;
}

function origin(req: RequestLike, proxy: boolean | undefined): { protocol: string; host: string | undefined } {
  const encrypted = () => (socketOf(req)?.encrypted ? 'https' : 'http');
  const forwarded = () => ({
    protocol: header(req, 'x-forwarded-proto') ?? encrypted(),
    host: header(req, 'x-forwarded-host') ?? header(req, 'host'),
  });
  if (proxy) return forwarded();
  const expressTrust = expressTrustsPeer(req);
  if (expressTrust !== undefined) {
    return expressTrust ? forwarded() : { protocol: encrypted(), host: header(req, 'host') };
  }
  // Koa and Fastify requests carry their own trust-aware protocol and host.
  if (typeof req.protocol === 'string' && typeof req.host === 'string' && req.host !== '') {
    return { protocol: req.protocol, host: req.host };
  }
  return { protocol: encrypted(), host: header(req, 'host') };
}

/**
 * `callbackURL` as an absolute URL. A missing or malformed Host (or forwarded host/protocol) is the
 * client's fault: AlipayRequestError, which carries HTTP status 400.
 */
export function absoluteCallbackURL(req: unknown, callbackURL: string, proxy?: boolean): string {
  if (isAbsoluteURL(callbackURL)) return callbackURL;
  const { protocol, host } = origin(req as RequestLike, proxy);
  if (!usableHost(host)) {
    throw new AlipayRequestError('The request has no usable Host header (a name or address, and a port from 1 to 65535), so the relative callbackURL cannot be resolved.');
  }
  const scheme = protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    throw new AlipayRequestError('The request\'s forwarded protocol is neither http nor https.');
  }
  try {
    return new URL(callbackURL, `${scheme}://${host}`).toString();
  } catch {
    // Whatever else the URL parser refuses in a Host that matched the pattern (e.g. a bad IPv6 literal).
    throw new AlipayRequestError('The request\'s Host header is not a valid host, so the relative callbackURL cannot be resolved.');
  }
}
