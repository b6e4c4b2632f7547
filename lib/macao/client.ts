/** Signed envelope calls to Alipay Macao's open API. */
import { randomUUID, type KeyObject } from 'crypto';
import { formatShanghaiIso, systemClock, type Clock } from '../core/clock';
import { observedCall } from '../core/diagnostics';
import { HttpEndpoint, type HttpSettings } from '../core/http';
import { buildSignedEnvelope, functionPath, readEnvelopeResponse } from './envelope';

export interface MacaoClientConfig {
  clientId: string;
  gatewayURL: string;
  privateKey: KeyObject;
  alipayPublicKey: KeyObject;
  http: HttpSettings;
  clock?: Clock;
  /** Source of reqMsgId values; must never repeat (default: a UUID without dashes). */
  newMessageId?: () => string;
}

const newUuidMessageId = () => randomUUID().replace(/-/g, '');

export class MacaoClient {
  private readonly config: MacaoClientConfig;
  readonly clock: Clock;
  private readonly newMessageId: () => string;
  private readonly endpoint: HttpEndpoint;

  constructor(config: MacaoClientConfig) {
    this.config = config;
    this.endpoint = new HttpEndpoint(config.gatewayURL, config.http);
    this.clock = config.clock ?? systemClock;
    this.newMessageId = config.newMessageId ?? newUuidMessageId;
  }

  /** The request for `functionName`: URL and the exact body bytes. Exposed so tests can check them. */
  buildRequest(functionName: string, body: Record<string, string>, accessToken?: string) {
    const reqMsgId = this.newMessageId();
    const envelope = buildSignedEnvelope(
      {
        function: functionName,
        clientId: this.config.clientId,
        reqTime: formatShanghaiIso(this.clock()),
        reqMsgId,
        accessToken,
      },
      body,
      this.config.privateKey,
    );
    return { path: functionPath(functionName), reqMsgId, ...envelope };
  }

  /** Calls `functionName` once (never retried) and returns the verified response body. */
  call(functionName: string, body: Record<string, string>, accessToken?: string): Promise<Record<string, unknown>> {
    return observedCall('macao', functionName, async (onStatus) => {
      const request = this.buildRequest(functionName, body, accessToken);
      const { status, text } = await this.endpoint.post(request.path, request.body, 'application/json; charset=UTF-8');
      onStatus(status);
      return readEnvelopeResponse(text, status, {
        function: functionName,
        reqMsgId: request.reqMsgId,
        alipayPublicKey: this.config.alipayPublicKey,
      });
    });
  }
}
