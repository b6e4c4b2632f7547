/**
 * Alipay's messages to an application gateway (应用网关), as the simulator and tests produce them:
 * signed form parameters (PROTOCOL A10), and their delivery with Alipay-like retries.
 */
import { randomBytes } from 'crypto';
import type { KeyInput } from '../core/keys';
import { signSha256WithRsa } from '../core/rsa';
import { gatewaySignContent } from './gateway-sign-content';
import { signingKey } from './test-keys';

/** What `signedNotification` needs. */
export interface NotificationInput {
  /** The app the message is for. */
  appId: string;
  /** The message method, e.g. `alipay.open.auth.userauth.cancelled`. */
  msgMethod: string;
  /** The business content (serialised as `biz_content`). */
  bizContent: Record<string, unknown>;
  /** Alipay's signing key (the counterpart of the app's alipayPublicKey). */
  alipayPrivateKey: KeyInput;
  /** Alipay's id of the message (default: a fresh one). */
  notifyId?: string;
  /** Sign with `sign_type` in the sign content (default true), or without it, as older messages were. */
  signTypeSigned?: boolean;
  /** When the message was sent (default now). */
  sentAt?: Date;
}

/** The form parameters of a signed message from Alipay to an application gateway. */
export function signedNotification(input: NotificationInput): Record<string, string> {
  const params: Record<string, string> = {
    app_id: input.appId,
    biz_content: JSON.stringify(input.bizContent),
    charset: 'utf-8',
    msg_method: input.msgMethod,
    notify_id: input.notifyId ?? randomBytes(16).toString('hex'),
    utc_timestamp: String((input.sentAt ?? new Date()).getTime()),
    version: '1.1',
  };
  const key = signingKey(input.alipayPrivateKey, 'signedNotification');
  const content = gatewaySignContent(input.signTypeSigned === false ? params : { ...params, sign_type: 'RSA2' });
  return { ...params, sign_type: 'RSA2', sign: signSha256WithRsa(content, key) };
}

/** How a message's delivery went. */
export interface NotificationDelivery {
  /** True once the gateway answered `success`. */
  delivered: boolean;
  /** Every attempt's HTTP status (0: no answer). */
  statuses: number[];
}

/**
 * POSTs `params` to `url` until it answers `success`: at once, then after each of `retryDelaysMs`
 * (Alipay waits minutes to hours; tests do not).
 */
export async function deliverNotification(url: string, params: Record<string, string>, retryDelaysMs: number[]): Promise<NotificationDelivery> {
  const statuses: number[] = [];
  for (const delay of [0, ...retryDelaysMs]) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(10_000),
      });
      statuses.push(res.status);
      if ((await res.text()).trim() === 'success') return { delivered: true, statuses };
    } catch {
      statuses.push(0);
    }
  }
  return { delivered: false, statuses };
}
