/**
 * The benchmark's gateway, run in its own process so its CPU never counts against the client.
 * Mainland answers are one precomputed, correctly signed token response. Macao answers must echo
 * each request's reqMsgId, so the parent announces the reqMsgIds it will use and the gateway signs
 * all their answers before the measurement starts. Requests under /hold/ are held until the parent
 * says `release` (after `{ hold: n }`, the gateway reports `{ held: n }` once n are waiting), so the
 * parent can weigh its heap with n logins in flight.
 */
import { createPrivateKey } from 'crypto';
import * as http from 'http';
import { signSha256WithRsa } from '../lib/core/rsa';
import { benchMessageId, TOKEN_NODE } from './fixtures';

const alipayKey = createPrivateKey(process.env.BENCH_ALIPAY_PRIVATE_KEY as string);
const macaoIds = Number(process.env.BENCH_MACAO_IDS ?? 0);

const mainlandBody = `{"alipay_system_oauth_token_response":${TOKEN_NODE},"sign":"${signSha256WithRsa(TOKEN_NODE, alipayKey)}"}`;

const macaoBodies = new Map<string, string>();
const expires = '2037-12-31T16:00:20+08:00';
for (let n = 0; n < macaoIds; n++) {
  const id = benchMessageId(n);
  const response =
    `{"body":{"accessTokenInfo":{"accessToken":"281010033AB2F588D14B43238637264FCA5AAF35xxxx","expiresIn":"${expires}",` +
    `"refreshToken":"2810100334F62CBC577F468AAC87CFC6C9107811xxxx","reExpiresIn":"${expires}","tokenStatus":"ACTIVE"},` +
    '"authSiteUserId":"2182123456123456","resultInfo":{"resultStatus":"S","resultCodeId":"00000000","resultCode":"SUCCESS","resultMsg":"success"}},' +
    `"head":{"version":"2.0.0","function":"alipay.intl.oauth.auth.applyToken","clientId":"BENCHCLIENT","reqMsgId":"${id}","respTime":"2024-05-13T17:49:21+08:00"}}`;
  macaoBodies.set(id, `{"response":${response},"signature":"${signSha256WithRsa(response, alipayKey)}"}`);
}

let holdTarget = 0;
let held: (() => void)[] = [];
process.on('message', (m: { hold?: number; release?: boolean }) => {
  if (m.hold) holdTarget = m.hold;
  if (m.release) {
    const waiting = held;
    held = [];
    holdTarget = 0;
    for (const answer of waiting) answer();
  }
});

const server = http.createServer({ keepAlive: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body = mainlandBody;
    if (req.url?.startsWith('/api/')) {
      const id = /"reqMsgId":"([0-9a-f]+)"/.exec(Buffer.concat(chunks).toString())?.[1] ?? '';
      body = macaoBodies.get(id) ?? '{"error":"unknown reqMsgId"}';
    }
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (!req.url?.startsWith('/hold/')) return answer();
    held.push(answer);
    if (held.length === holdTarget) process.send?.({ held: held.length });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
