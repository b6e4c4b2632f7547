/** Signed calls to the mainland OpenAPI gateway (PROTOCOL A3–A5). */
import type { KeyObject } from 'crypto';
import { systemClock, formatShanghaiTimestamp, type Clock } from '../core/clock';
import { observedCall } from '../core/diagnostics';
import { HttpEndpoint, type HttpSettings } from '../core/http';
import { signSha256WithRsa } from '../core/rsa';
import { readGatewayResponse } from './response';
import type { CertificateSns } from './cert-sn';
import { encodeForm, signContentFromPairs } from './sign-content';

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

/** What never changes between two requests for one method: computed on its first call. */
interface MethodTemplate {
  /** The common parameters but `timestamp`, as raw sign-content pairs. */
  fixedPairs: [string, string][];
  /** The query string up to the timestamp's value, and from after it up to the signature's. */
  queryHead: string;
  queryTail: string;
}

export class AlipayGateway {
  private readonly config: GatewayConfig;
  private readonly clock: Clock;
  /** The gateway address, parsed once; each call appends its query string. */
  private readonly endpoint: HttpEndpoint;
  /** What joins the query string to the gateway address. */
  private readonly querySeparator: string;
  private readonly templates = new Map<string, MethodTemplate>();

  constructor(config: GatewayConfig) {
    this.config = config;
    this.clock = config.clock ?? systemClock;
    this.endpoint = new HttpEndpoint(config.gatewayURL, config.http);
    this.querySeparator = new URL(config.gatewayURL).search ? '&' : '?';
  }

  /** The gateway's clock: what request timestamps and answer freshness are measured against. */
  now(): Date {
    return this.clock();
  }

  /**
   * The request for `method`: common parameters (query string) and business parameters (form
   * body), both covered by the signature. Exposed so tests can check the exact bytes.
   */
  buildRequest(method: string, business: Params): { query: string; body: string; signContent: string } {
    const template = this.templates.get(method) ?? this.template(method);
    const timestamp = formatShanghaiTimestamp(this.clock());
    const pairs: [string, string][] = [...template.fixedPairs, ['timestamp', timestamp]];
    for (const key of Object.keys(business)) {
      const value = business[key];
      if (value !== undefined && value !== '') pairs.push([key, value]);
    }
    const signContent = signContentFromPairs(pairs);
    const sign = signSha256WithRsa(signContent, this.config.privateKey);
    return {
      query: template.queryHead + encodeURIComponent(timestamp) + template.queryTail + encodeURIComponent(sign),
      body: encodeForm(business),
      signContent,
    };
  }

  /**
   * Common parameters in the query order app_id, method, charset, sign_type, timestamp, version,
   * cert SNs, sign. `format` is left out, as the official Node SDK leaves it out: JSON is the only
   * format and the default (PROTOCOL A3), and the sign content then matches the SDK's byte for byte.
   */
  private template(method: string): MethodTemplate {
    const { appId, certificates } = this.config;
    const head: Params = { app_id: appId, method, charset: 'utf-8', sign_type: 'RSA2' };
    const tail: Params = { version: '1.0', app_cert_sn: certificates?.appCertSn, alipay_root_cert_sn: certificates?.alipayRootCertSn };
    const fixedPairs = Object.entries({ ...head, ...tail }).filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '');
    const template = { fixedPairs, queryHead: `${this.querySeparator}${encodeForm(head)}&timestamp=`, queryTail: `&${encodeForm(tail)}&sign=` };
    this.templates.set(method, template);
    return template;
  }

  /**
   * Calls `method` once (never retried: an auth code is single-use) and returns the verified
   * payload of its response node. Secrets such as `auth_token` and `app_auth_token` travel in the
   * body as top-level parameters (the gateway reads parameters from either place, PROTOCOL A3), so
   * they never appear in URLs that proxies log.
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
