// A TCP load balancer in front of the replicas of one service, as a Kubernetes
// Service (or compose's DNS round robin) is in front of its pods: each new
// connection goes to the next replica, and a replica that refuses the connection
// (dead, or restarting) is skipped for the next one. Like kube-proxy it balances
// connections, not requests: a client's kept-alive connection stays with its
// replica until that replica goes away.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  /** http://127.0.0.1:<port>, the address clients are given instead of the replicas'. */
  url: string;
  stop(): Promise<void>;
}

/** Connects to the first replica that accepts, starting at `first`; undefined when none does. */
function connectAny(ports: number[], first: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const attempt = (tried: number) => {
      if (tried === ports.length) return resolve(undefined);
      const upstream = connect({ host: '127.0.0.1', port: ports[(first + tried) % ports.length]! });
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        resolve(upstream);
      });
      upstream.once('error', () => {
        upstream.destroy();
        attempt(tried + 1);
      });
    };
    attempt(0);
  });
}

/** Listens on `port` (0: a free one) and spreads connections over the replicas' ports. */
export async function startBalancer(replicaPorts: number[], port = 0): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    client.on('error', () => client.destroy());
    const first = next;
    next = (next + 1) % replicaPorts.length;
    void connectAny(replicaPorts, first).then((upstream) => {
      if (!upstream) return client.destroy();
      track(upstream);
      upstream.on('error', () => upstream.destroy());
      // Either side closing (or dying) closes the other: the client sees what a direct connection would.
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${listening}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
