/** The package's command line (`npx passport-alipay …`): operator tools. */
import { BACKFILL_USAGE, openIdBackfill, type CommandIO } from './openid-backfill';

const USAGE = `Usage: passport-alipay <command>

Commands:
  openid-backfill   map stored Alipay user ids to open ids (the open_id migration)

${BACKFILL_USAGE}`;

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'openid-backfill') {
    const io: CommandIO = {
      env: process.env,
      stdin: readStdin,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTTY: Boolean(process.stderr.isTTY),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    return openIdBackfill(rest, io);
  }
  process.stderr.write(command === undefined || command === '--help' || command === '-h' ? USAGE : `Unknown command ${command}.\n\n${USAGE}`);
  return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}

process.on('SIGINT', () => {
  process.stderr.write('\ninterrupted: the rows written so far are kept; run the same command again to resume.\n');
  process.exit(130);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
