/**
 * A throwaway redis-server for the distributed tests: a free loopback port, no persistence,
 * killed by `stop()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `redis-server` (it must be installed: `apt-get install -y redis-server`). */
export async function startRedisServer(password?: string): Promise<RedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (password) args.push('--requirepass', password);
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.on('error', (e) =>
      reject(new Error(`cannot start redis-server (${e.message}); apt-get install redis-server`)),
    );
    child.on('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  failed.catch(() => {});
  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    await Promise.race([new Promise((r) => setTimeout(r, 50)), failed]);
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
  }
  const auth = password ? `:${password}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
