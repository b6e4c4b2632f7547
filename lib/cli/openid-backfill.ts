/**
 * `passport-alipay openid-backfill [FILE]`: maps the user ids an application stored before the
 * open_id migration to open ids (AlipayOpenIdClient), for operators. Reads ids from FILE or stdin
 * (one per line, or a CSV column with --column), writes `user_id,open_id,union_id` CSV to stdout or
 * --out FILE, shows progress on stderr, keeps to a rate limit, and resumes: every batch is appended
 * to the output (or --checkpoint) as soon as it arrives, and a rerun skips the ids already there.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'fs';
import { AlipayOpenIdClient, AlipayTransportError, type AlipayGatewayClientOptions, type OpenIdMapping } from '../index';
import { formatCsvRow, parseCsvLine } from './csv';

const USER_ID = /^2088\d{12}$/;
const HEADER = 'user_id,open_id,union_id';
/** Transient failures of one batch are retried this many times before the run stops (resumable). */
const TRANSPORT_RETRIES = 3;

/** Where the command reads and writes: the process's streams, or a test's. */
export interface CommandIO {
  env: Record<string, string | undefined>;
  stdin: () => Promise<string>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (then the progress bar redraws in place). */
  stderrIsTTY: boolean;
  sleep: (ms: number) => Promise<void>;
}

interface Options {
  file?: string;
  column?: string;
  out?: string;
  checkpoint?: string;
  rate: number;
}

export const BACKFILL_USAGE = `Usage: passport-alipay openid-backfill [FILE] [--column NAME] [--out FILE] [--checkpoint FILE] [--rate CALLS_PER_SECOND]

Maps legacy Alipay user ids (2088…) to the app's open ids with alipay.open.app.openid.uidtoopenid.batchquery.
  FILE            user ids, one per line, or a CSV file with --column (default: stdin)
  --column NAME   the CSV column holding the user ids (the first line names the columns)
  --out FILE      write the CSV there (appended as batches arrive; a rerun resumes) instead of stdout
  --checkpoint F  with stdout output: where finished ids are recorded so that a rerun resumes
  --rate N        at most N calls per second (default 5)
Configuration, as for the demo: ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, and ALIPAY_PUBLIC_KEY or (certificate mode)
ALIPAY_APP_CERT, ALIPAY_PUBLIC_CERT, ALIPAY_ROOT_CERT (PEM text); ALIPAY_GATEWAY_URL or ALIPAY_SANDBOX=1.
`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const options: Options = { rate: 5 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value.`);
      return v;
    };
    if (arg === '--column') options.column = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--checkpoint') options.checkpoint = value();
    else if (arg === '--rate') {
      options.rate = Number(value());
      if (!Number.isFinite(options.rate) || options.rate <= 0) throw new UsageError('--rate must be a positive number of calls per second.');
    } else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}.`);
    else if (options.file === undefined) options.file = arg;
    else throw new UsageError(`One input FILE only (got ${arg} too).`);
  }
  if (options.out && options.checkpoint) throw new UsageError('--checkpoint is for stdout output; with --out the output file is the checkpoint.');
  return options;
}

/** The gateway client's options from the environment (the demo's variables). */
export function clientOptionsFromEnv(env: Record<string, string | undefined>): AlipayGatewayClientOptions {
  const missing = ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY'].filter((name) => !env[name]);
  const certMode = Boolean(env.ALIPAY_APP_CERT || env.ALIPAY_PUBLIC_CERT || env.ALIPAY_ROOT_CERT);
  if (!certMode && !env.ALIPAY_PUBLIC_KEY) missing.push('ALIPAY_PUBLIC_KEY');
  if (missing.length > 0) throw new UsageError(`Set ${missing.join(', ')} (the app's credentials, as for the demo).`);
  const options: AlipayGatewayClientOptions = { appId: env.ALIPAY_APP_ID as string, privateKey: env.ALIPAY_PRIVATE_KEY as string };
  if (certMode) Object.assign(options, { appCert: env.ALIPAY_APP_CERT, alipayPublicCert: env.ALIPAY_PUBLIC_CERT, alipayRootCert: env.ALIPAY_ROOT_CERT });
  else options.alipayPublicKey = env.ALIPAY_PUBLIC_KEY;
  if (env.ALIPAY_GATEWAY_URL) options.gatewayURL = env.ALIPAY_GATEWAY_URL;
  if (env.ALIPAY_SANDBOX === '1' || env.ALIPAY_SANDBOX === 'true') options.sandbox = true;
  return options;
}

/** The user ids of the input, with each bad line's number and reason. */
export function readUserIds(text: string, column: string | undefined): { ids: string[]; bad: string[] } {
  const lines = text.split(/\r?\n/);
  const ids: string[] = [];
  const bad: string[] = [];
  let index = 0;
  let first = 0;
  if (column !== undefined) {
    const header = parseCsvLine(lines[0] ?? '');
    index = header ? header.map((h) => h.trim()).indexOf(column) : -1;
    if (index < 0) throw new UsageError(`No column named ${JSON.stringify(column)} in the first line of the input.`);
    first = 1;
  }
  for (let n = first; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    const fields = column === undefined ? [line] : parseCsvLine(line);
    const value = fields?.[index]?.trim();
    if (fields === undefined) bad.push(`line ${n + 1}: unclosed quote`);
    else if (value === undefined || value === '') bad.push(`line ${n + 1}: no value in column ${column}`);
    else if (!USER_ID.test(value)) bad.push(`line ${n + 1}: not a user id (2088 and 12 digits): ${JSON.stringify(value.slice(0, 40))}`);
    else ids.push(value);
  }
  return { ids: [...new Set(ids)], bad };
}

/** Ids already finished by an earlier run: the first column of the output, or the checkpoint's lines. */
function finishedIds(file: string | undefined): Set<string> {
  if (!file || !existsSync(file)) return new Set();
  const done = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const id = line.split(',')[0];
    if (USER_ID.test(id)) done.add(id);
  }
  return done;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ids`;
}

/** Runs the command; resolves with the process exit code. */
export async function openIdBackfill(argv: string[], io: CommandIO): Promise<number> {
  let options: Options;
  let client: AlipayOpenIdClient;
  let input: { ids: string[]; bad: string[] };
  try {
    options = parseArgs(argv);
    client = new AlipayOpenIdClient(clientOptionsFromEnv(io.env));
    const text = options.file ? readFileSync(options.file, 'utf8') : await io.stdin();
    input = readUserIds(text, options.column);
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${err instanceof UsageError ? `\n${BACKFILL_USAGE}` : ''}`);
    return 2;
  }
  for (const line of input.bad) io.stderr(`skipped ${line}\n`);
  const record = options.out ?? options.checkpoint;
  const done = finishedIds(record);
  const todo = input.ids.filter((id) => !done.has(id));
  if (done.size > 0) io.stderr(`resuming: ${input.ids.length - todo.length} ids already done\n`);
  const write = (text: string) => (options.out ? appendFileSync(options.out, text) : io.stdout(text));
  if (!options.out || !existsSync(options.out) || statSync(options.out).size === 0) write(`${HEADER}\n`);

  const unmapped: string[] = [];
  let finished = 0;
  const interval = 1000 / options.rate;
  const show = () => io.stderr(io.stderrIsTTY ? `\r${progressBar(finished, todo.length)}` : `progress ${progressBar(finished, todo.length)}\n`);
  show();
  for (let start = 0; start < todo.length; start += 100) {
    const batch = todo.slice(start, start + 100);
    let mappings: OpenIdMapping[] | undefined;
    for (let attempt = 0; mappings === undefined; attempt++) {
      try {
        mappings = await client.uidToOpenId(batch);
      } catch (err) {
        if (!(err instanceof AlipayTransportError) || attempt >= TRANSPORT_RETRIES) {
          io.stderr(`\nstopped after ${finished} of ${todo.length} ids: ${err instanceof Error ? err.message : String(err)}\nRun the same command again to resume.\n`);
          return 1;
        }
        await io.sleep(interval * 2 ** (attempt + 1));
      }
    }
    const byId = new Map(mappings.map((m) => [m.userId, m]));
    let rows = '';
    for (const id of batch) {
      const m = byId.get(id);
      if (m) rows += `${formatCsvRow([m.userId, m.openId, m.unionId ?? ''])}\n`;
      else unmapped.push(id);
    }
    // Written before the next call, so an interruption loses at most the batch in flight.
    write(rows);
    if (options.checkpoint) appendFileSync(options.checkpoint, batch.filter((id) => byId.has(id)).map((id) => `${id}\n`).join(''));
    finished += batch.length;
    show();
    if (start + 100 < todo.length) await io.sleep(interval);
  }
  io.stderr(
    `${io.stderrIsTTY ? '\n' : ''}done: ${finished - unmapped.length} mapped, ${unmapped.length} not mapped by Alipay, ${input.bad.length} bad input lines skipped\n`,
  );
  for (const id of unmapped) io.stderr(`not mapped: ${id}\n`);
  return 0;
}
