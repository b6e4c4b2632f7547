/** Signed calls to the mainland OpenAPI gateway (PROTOCOL A3–A5). */
import type { KeyObject } from 'crypto';
import { systemClock, formatShanghaiTimestamp, type Clock } from '../core/clock';
import { observedCall } from '../core/diagnostics';
import { HttpEndpoint, type HttpSettings } from '../core/http';
import { signSha256WithRsa } from '../core/rsa';
import { readGatewayResponse } from './response';
import type { CertificateSns } from './cert-sn';
import { buildSignContent, encodeForm } from './sign-content';

export interface GatewayConfig {
  appId: string;
  gatewayURL: string;
  privateKey: KeyObject;
  alipayPublicKey: KeyObject;
  certificates?: CertificateSns;
  http: HttpSettings;
  clock?: Clock;
}

type Params = Record<string, string | undefined>;

export class AlipayGateway {
  private readonly config: GatewayConfig;
  private readonly clock: Clock;
  /** The gateway address, parsed once; each call appends its query string. */
  private readonly endpoint: HttpEndpoint;
  /** What joins the query string to the gateway address. */
  private readonly querySeparator: string;

  constructor(config: GatewayConfig) {
    this.config = config;
    this.clock = config.clock ?? systemClock;
    this.endpoint = new HttpEndpoint(config.gatewayURL, config.http);
    this.querySeparator = new URL(config.gatewayURL).search ? '&' : '?';
  }

  /**
   * The request for `method`: common parameters (query string) and business parameters (form
   * body), both covered by the signature. Exposed so tests can check the exact bytes.
   */
  buildRequest(method: string, business: Params): { query: string; body: string; signContent: string } {
    const { appId, certificates } = this.config;
    const common: Params = {
      app_id: appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: formatShanghaiTimestamp(this.clock()),
      version: '1.0',
      app_cert_sn: certificates?.appCertSn,
      alipay_root_cert_sn: certificates?.alipayRootCertSn,
    };
    const signContent = buildSignContent({ ...common, ...business });
    const sign = signSha256WithRsa(signContent, this.config.privateKey);
    return { query: this.querySeparator + encodeForm({ ...common, sign }), body: encodeForm(business), signContent };
  }

  /**
   * Calls `method` once (never retried: an auth code is single-use) and returns the verified
   * payload of its response node. Secrets such as `auth_token` travel in the body, so they never
   * appear in URLs that proxies log.
   */
  call(method: string, business: Params): Promise<Record<string, unknown>> {
    return observedCall('mainland', method, async (onStatus) => {
      const request = this.buildRequest(method, business);
      const { status, text } = await this.endpoint.post(request.query, request.body, 'application/x-www-form-urlencoded;charset=utf-8');
      onStatus(status);
      return readGatewayResponse(
        text,
        status,
        method,
        { alipayPublicKey: this.config.alipayPublicKey, alipayCertSn: this.config.certificates?.alipayCertSn },
        request.signContent,
      );
    });
  }
}
