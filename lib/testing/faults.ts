/** Faults the simulator can inject into its next API answers. */
import type { ServerResponse } from 'http';
import { renderAnswer, type SignedAnswer } from './answer';
import { send } from './http-util';

/** The faults `injectFault` can apply to the next answers. */
export type FaultKind =
  | 'slow' // answer after `delayMs` (default 10 s): beyond any sane client timeout
  | 'reset' // drop the connection without answering
  | 'http502' // HTTP 502 with an HTML page, as a broken proxy would
  | 'truncated' // a body cut in half
  | 'huge' // a 10 MiB body, streamed after the headers
  | 'tampered' // one byte of the signed member changed after signing
  | 'unsigned' // the signature member left out
  | 'wrong-cert-sn' // alipay_cert_sn of another certificate (mainland)
  | 'unknown-result'; // Macao resultStatus U (UNKNOWN_EXCEPTION), signed

/** A fault with its settings. */
export interface Fault {
  /** Which fault. */
  kind: FaultKind;
  /** For `slow`: milliseconds before the answer (default 10 000). */
  delayMs?: number;
}

const HUGE_BYTES = 10 * 1024 * 1024;
const FILLER = Buffer.alloc(64 * 1024, 'x');

const BAD_GATEWAY_HTML =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

/** Changes one digit or letter inside the signed text, so its signature no longer matches. */
function tamper(text: string): string {
  const i = text.search(/[0-9a-zA-Z](?=[^"]*"\s*[,}])/);
  const at = i >= 0 ? i : Math.floor(text.length / 2);
  const c = text[at];
  const swapped = c === '1' ? '2' : /[0-9]/.test(c) ? '1' : c === 'a' ? 'b' : 'a';
  return text.slice(0, at) + swapped + text.slice(at + 1);
}

/** Writes `answer` to `res`, altered by `fault` when there is one. */
export function deliver(res: ServerResponse, answer: SignedAnswer, fault: Fault | undefined, contentType: string): void {
  switch (fault?.kind) {
    case 'slow': {
      const timer = setTimeout(() => deliver(res, answer, undefined, contentType), fault.delayMs ?? 10_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
    case 'http502':
      return send(res, 502, 'text/html', BAD_GATEWAY_HTML);
    case 'truncated': {
      const body = renderAnswer(answer);
      return send(res, 200, contentType, body.slice(0, Math.floor(body.length / 2)));
    }
    case 'huge':
      return streamHuge(res, contentType);
    case 'tampered':
      return send(res, 200, contentType, renderAnswer({ ...answer, text: tamper(answer.text) }));
    case 'unsigned':
      return send(res, 200, contentType, renderAnswer({ ...answer, signature: undefined }));
    case 'wrong-cert-sn':
      return send(res, 200, contentType, renderAnswer({ ...answer, extra: { ...answer.extra, alipay_cert_sn: '0'.repeat(32) } }));
    default:
      return send(res, 200, contentType, renderAnswer(answer));
  }
}

/**
 * Sends the headers at once, then 10 MiB of body in 64 KiB chunks as the client reads them: a client
 * sees an oversized answer arrive, never a server still busy building it (which on a loaded machine
 * would look like a timeout instead).
 */
function streamHuge(res: ServerResponse, contentType: string): void {
  res.writeHead(200, { 'content-type': contentType });
  res.flushHeaders();
  res.write('{"padding":"');
  let sent = 0;
  const pump = (): void => {
    while (sent < HUGE_BYTES && !res.destroyed) {
      sent += FILLER.length;
      if (!res.write(FILLER)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end('"}');
  };
  pump();
}
