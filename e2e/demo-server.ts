/** Starts the demo app in-process on a free port, for browser and load tests. */
import type { Server } from 'http';
import { createServer } from 'net';
import { createDemo, type Demo } from '../examples/express/app';
import type { DemoConfig } from '../examples/express/config';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningDemo {
  url: string;
  demo: Demo;
  /** What the demo logged (failed logins, dropped late results), kept instead of printed. */
  logged: string[];
  stop(): Promise<void>;
}

export async function startDemo(config: Partial<DemoConfig> = {}): Promise<RunningDemo> {
  const port = config.port ?? (await freePort());
  // 127.0.0.1 rather than localhost: the server listens on IPv4 loopback only, and localhost may
  // resolve to ::1 first on some machines.
  const url = `http://127.0.0.1:${port}`;
  const logged: string[] = [];
  const log = { warn: (line: string) => logged.push(line), info: (line: string) => logged.push(line) };
  const demo = await createDemo({ port, sessionSecret: 'e2e-secret', baseURL: url, log, ...config });
  const server: Server = await new Promise((resolve) => {
    const s = demo.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    url,
    demo,
    logged,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await demo.close();
    },
  };
}
