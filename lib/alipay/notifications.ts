/**
 * Alipay's messages to the application gateway (应用网关, PROTOCOL A10), such as
 * `alipay.open.auth.userauth.cancelled` when a user revokes the app's authorization. A
 * framework-neutral `(req, res, next?)` handler: it reads the urlencoded form (unless a parser
 * already made `req.body` an object or a string), verifies the signature over the form parameters
 * (with and without `sign_type`, as the official SDKs' notify checks do), checks the app, drops
 * duplicates by `notify_id`, runs the application's handler, and answers `success` only once that
 * handler has resolved, so that Alipay retries a message whose handling failed.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { KeyObject } from 'crypto';
import { AlipayConfigError } from '../core/errors';
import { isRecord } from '../core/fields';
import { loadPublicKey, type KeyInput } from '../core/keys';
import { requireString } from '../core/options';
import { verifySha256WithRsa } from '../core/rsa';
import { MemorySingleUseStore, type SingleUseStore } from '../core/single-use';
import { loadCertificate } from './cert-sn';
import { buildSignContent } from './sign-content';

/** The message Alipay sends when a user revokes the app's authorization (用户授权取消消息). */
export const USER_AUTH_CANCELLED = 'alipay.open.auth.userauth.cancelled';

/** One verified message from Alipay to the application gateway. */
export interface AlipayNotification {
  /** The message's method, e.g. `alipay.open.auth.userauth.cancelled`. */
  msgMethod: string;
  /** Alipay's id of the message; a retry carries the same one. */
  notifyId: string;
  /** The app the message is for (this handler's appId). */
  appId: string;
  /** When Alipay sent it (`utc_timestamp`). */
  sentAt?: Date;
  /** The parsed `biz_content`. */
  bizContent: Record<string, unknown>;
  /** Every form parameter as received (verified), `sign` included. */
  params: Record<string, string>;
}

/** `alipay.open.auth.userauth.cancelled`: a user revoked the app's authorization. */
export interface UserAuthCancelledNotification extends AlipayNotification {
  /** The user's legacy id, when the app receives user ids. */
  userId?: string;
  /** The user's per-app id, when the app receives open ids. */
  openId?: string;
  /** When the user revoked (`cancel_time`). */
  cancelTime?: Date;
}

/**
 * A message handler: it may return anything, or a promise; a rejection makes Alipay retry. (Declared
 * as a method so that a handler of a narrower message type fits where any message is expected.)
 */
export type NotificationHandler<T extends AlipayNotification = AlipayNotification> = {
  /** Handles one verified message; resolve once it is done (Alipay then stops sending it). */
  handle(notification: T): unknown;
}['handle'];

/** `alipayNotifications`'s options. */
export interface AlipayNotificationsOptions {
  /** The app's APPID: messages for another app are refused. */
  appId: string;
  /** Alipay's public key (支付宝公钥), PEM or bare base64. */
  alipayPublicKey?: KeyInput;
  /** Certificate mode: Alipay's public-key certificate (PEM text of alipayCertPublicKey_RSA2.crt). */
  alipayPublicCert?: string;
  /** Handlers by message method. */
  on: {
    /** A user revoked the app's authorization: sign them out, forget their tokens. */
    'alipay.open.auth.userauth.cancelled'?: NotificationHandler<UserAuthCancelledNotification>;
    /** Any other message method. */
    [msgMethod: string]: NotificationHandler | undefined;
  };
  /**
   * Messages with no handler in `on`: `'acknowledge'` (default: answer `success`, Alipay stops
   * sending), `'refuse'` (answer 501, Alipay retries), or a catch-all handler.
   */
  otherwise?: 'acknowledge' | 'refuse' | NotificationHandler;
  /**
   * Where seen `notify_id`s are kept for a day, to drop Alipay's duplicate deliveries (default: this
   * process's memory; a RedisStateStore when several servers receive messages). `false` keeps none.
   */
  dedupe?: SingleUseStore | false;
  /** Told when a handler failed (default: a line on stderr with the method and the error's message). */
  onError?: (err: unknown, notification: AlipayNotification) => void;
  /** Largest body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
}

/** The `(req, res, next?)` function `alipayNotifications` returns; resolves once it has answered. */
export type AlipayNotificationsHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => Promise<void>;

const DEDUPE_TTL_SECONDS = 24 * 3600;
const DEFAULT_MAX_BODY = 64 * 1024;

/** Why a message is refused, and with which status; never the message's content. */
class Refusal {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

function alipayKey(options: AlipayNotificationsOptions): KeyObject {
  if (options.alipayPublicCert !== undefined) {
    if (options.alipayPublicKey !== undefined) {
      throw new AlipayConfigError('alipayPublicKey and alipayPublicCert exclude each other: give the key, or (certificate mode) the certificate.');
    }
    return loadCertificate(options.alipayPublicCert, 'alipayPublicCert').publicKey;
  }
  return loadPublicKey(options.alipayPublicKey, 'alipayPublicKey');
}

function readStream(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        return reject(new Refusal(413, 'body too large'));
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => reject(new Refusal(400, 'unreadable body')));
  });
}

/** The form parameters, from a parsed body, a raw body string, or the request stream. */
async function formOf(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Record<string, string>> {
  const body = req.body;
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else if (isRecord(body) && Object.keys(body).length > 0) {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (typeof value !== 'string') throw new Refusal(400, `parameter ${key} is not a single string`);
      params[key] = value;
    }
    return params;
  }
  // A parser that consumed the stream but found nothing (an empty form) leaves nothing to read.
  text ??= req.readableEnded ? '' : await readStream(req, limit);
  if (Buffer.byteLength(text) > limit) throw new Refusal(413, 'body too large');
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in params) throw new Refusal(400, `parameter ${key} is repeated`);
    params[key] = value;
  }
  return params;
}

function millis(value: unknown): Date | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,16}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? new Date(n) : undefined;
}

/**
 * Checks a message as Alipay's SDKs do: RSA2 over the sorted parameters without `sign`, with
 * `sign_type` (Java rsaCheckV2) or without it (rsaCheckV1); either verifying is enough.
 */
export function verifyNotificationSignature(params: Record<string, string>, alipayPublicKey: KeyObject): boolean {
  const sign = params.sign;
  if (!sign) return false;
  if (verifySha256WithRsa(buildSignContent(params), sign, alipayPublicKey)) return true;
  const { sign_type: _signType, ...withoutType } = params;
  return verifySha256WithRsa(buildSignContent(withoutType), sign, alipayPublicKey);
}

/** The verified, parsed message, or the refusal to answer. */
function readNotification(params: Record<string, string>, appId: string, key: KeyObject): AlipayNotification {
  if (!params.sign) throw new Refusal(400, 'unsigned message');
  if (params.sign_type !== undefined && params.sign_type !== 'RSA2') throw new Refusal(400, `sign_type ${params.sign_type.slice(0, 8)} is not RSA2`);
  if (!verifyNotificationSignature(params, key)) throw new Refusal(403, 'signature does not verify');
  if (params.app_id !== appId) throw new Refusal(403, 'message for another app');
  const msgMethod = params.msg_method;
  const notifyId = params.notify_id;
  if (!msgMethod || !notifyId) throw new Refusal(400, 'msg_method or notify_id missing');
  let bizContent: unknown;
  try {
    bizContent = JSON.parse(params.biz_content ?? '');
  } catch {
    throw new Refusal(400, 'biz_content is not JSON');
  }
  if (!isRecord(bizContent)) throw new Refusal(400, 'biz_content is not a JSON object');
  if (bizContent.app_id !== undefined && bizContent.app_id !== appId) throw new Refusal(403, 'biz_content for another app');
  const notification: AlipayNotification = { msgMethod, notifyId, appId, bizContent, params };
  const sentAt = millis(params.utc_timestamp);
  if (sentAt) notification.sentAt = sentAt;
  if (msgMethod === USER_AUTH_CANCELLED) return cancelledFrom(notification);
  return notification;
}

function cancelledFrom(notification: AlipayNotification): UserAuthCancelledNotification {
  const { bizContent } = notification;
  const out: UserAuthCancelledNotification = { ...notification };
  if (typeof bizContent.user_id === 'string' && bizContent.user_id) out.userId = bizContent.user_id;
  if (typeof bizContent.open_id === 'string' && bizContent.open_id) out.openId = bizContent.open_id;
  if (!out.userId && !out.openId) throw new Refusal(400, 'the revocation names no user');
  const cancelTime = millis(bizContent.cancel_time);
  if (cancelTime) out.cancelTime = cancelTime;
  return out;
}

function answer(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * A handler for Alipay's messages to the application gateway (应用网关): Express/Connect
 * middleware, or a plain `http.createServer` handler. Unsigned, forged, foreign-app or malformed
 * messages get a 4xx and never reach `on`; a handler's rejection gets 500, so Alipay sends the
 * message again.
 */
export function alipayNotifications(options: AlipayNotificationsOptions): AlipayNotificationsHandler {
  if (typeof options !== 'object' || options === null) {
    throw new AlipayConfigError("alipayNotifications requires { appId, alipayPublicKey, on: { 'alipay.open.auth.userauth.cancelled': (event) => … } }.");
  }
  const appId = requireString(options.appId, 'appId', "the application's APPID from the Alipay console");
  const key = alipayKey(options);
  if (!isRecord(options.on) || Object.values(options.on).some((h) => h !== undefined && typeof h !== 'function')) {
    throw new AlipayConfigError("on must map message methods to functions, e.g. { 'alipay.open.auth.userauth.cancelled': (event) => … }.");
  }
  const otherwise = options.otherwise ?? 'acknowledge';
  if (otherwise !== 'acknowledge' && otherwise !== 'refuse' && typeof otherwise !== 'function') {
    throw new AlipayConfigError("otherwise must be 'acknowledge', 'refuse' or a function.");
  }
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? new MemorySingleUseStore());
  if (dedupe && typeof dedupe.claimOnce !== 'function') throw new AlipayConfigError('dedupe must be a store with claimOnce(key, ttlSeconds), such as a RedisStateStore, or false.');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const onError =
    options.onError ??
    ((err: unknown, n: AlipayNotification) =>
      console.error(`[passport-alipay] handling ${n.msgMethod} (notify_id ${n.notifyId}) failed: ${err instanceof Error ? err.message : String(err)}`));
  const handlers = options.on as Record<string, NotificationHandler<AlipayNotification> | undefined>;

  return async (req, res) => {
    if (req.method !== 'POST') return answer(res, 405, 'POST only');
    let notification: AlipayNotification;
    try {
      notification = readNotification(await formOf(req, maxBody), appId, key);
    } catch (err) {
      return err instanceof Refusal ? answer(res, err.status, `refused: ${err.reason}`) : answer(res, 400, 'refused: unreadable message');
    }
    const handler = handlers[notification.msgMethod] ?? (typeof otherwise === 'function' ? otherwise : undefined);
    if (!handler) return otherwise === 'refuse' ? answer(res, 501, 'unhandled msg_method') : answer(res, 200, 'success');
    const claim = `notify:${notification.notifyId}`;
    try {
      if (dedupe && !(await dedupe.claimOnce(claim, DEDUPE_TTL_SECONDS))) return answer(res, 200, 'success');
    } catch (err) {
      // The store is down: Alipay retries later, when it may be back.
      onError(err, notification);
      return answer(res, 503, 'fail');
    }
    try {
      await handler(notification);
    } catch (err) {
      await dedupe?.release?.(claim).catch(() => undefined);
      onError(err, notification);
      return answer(res, 500, 'fail');
    }
    answer(res, 200, 'success');
  };
}
