/**
 * A compressed answer (gzip, deflate, br: a proxy's doing, since nothing asks for it) is read the
 * same way on every transport: decompressed within the 1 MiB cap. Before, Node's http.request
 * refused what an injected fetch accepted.
 */
import { expect } from 'chai';
import * as http from 'http';
import type { AddressInfo } from 'net';
import nodeFetch from 'node-fetch';
import { brotliCompressSync, deflateSync, gzipSync } from 'zlib';
import { AlipayTransportError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, callback, gatewayBody, node, strategy } from '../helpers/alipay';

const COMPRESS: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
const TRANSPORTS = [
  ['http.request', undefined],
  ['node-fetch', nodeFetch],
  ['global fetch', globalThis.fetch],
] as const;

describe('compressed gateway answers, on every transport', () => {
  let server: http.Server;
  let gatewayURL: string;
  let answer: { encoding: string; body: Buffer };
  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', 'content-encoding': answer.encoding });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gatewayURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
  });
  after(() => server.close());

  const login = (fetch: unknown) => run(strategy({ gatewayURL, fetch: fetch as never }), callback({ auth_code: AUTH_CODE }));

  for (const [transport, fetch] of TRANSPORTS) {
    for (const encoding of Object.keys(COMPRESS)) {
      it(`${transport}: signs in with a ${encoding}-compressed answer`, async () => {
        answer = { encoding, body: COMPRESS[encoding](Buffer.from(gatewayBody(TOKEN_NODE, node('token-user-id')))) };
        expectAction(await login(fetch), 'success');
      });
    }

    it(`${transport}: refuses an answer that decompresses to over 1 MiB (a zip bomb)`, async () => {
      answer = { encoding: 'gzip', body: gzipSync(Buffer.from(`{"padding":"${'x'.repeat(2 * 1024 * 1024)}"}`)) };
      const { err } = expectAction(await login(fetch), 'error');
      expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_RESPONSE_TOO_LARGE' });
    });
  }

  it('refuses a content-encoding it does not read, naming it', async () => {
    answer = { encoding: 'compress', body: Buffer.from('whatever') };
    const { err } = expectAction(await login(undefined), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
    expect(err.message).to.match(/Content-Encoding compress/);
  });
});
