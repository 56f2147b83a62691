import net from 'node:net';

/** What the proxy does with traffic. */
export type ProxyMode =
  /** Forward both ways. */
  | 'pass'
  /** Close every new connection at once (a server or database that is down). */
  | 'refuse'
  /** Accept and read, never forward or answer (a request that hangs). */
  | 'hang'
  /** Forward requests, keep the answers back until `release()` (an answer lost on the way). */
  | 'hold-responses';

/**
 * A fault-injecting TCP proxy on 127.0.0.1 in front of a real server (the team server, or
 * Postgres). Modes change for new and open connections alike.
 */
export class FaultProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private held: { client: net.Socket; chunk: Buffer }[] = [];
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(port = 0): Promise<this> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'refuse') this.dropAll();
    if (mode === 'pass') this.release();
  }

  /** Sends the answers held back so far, and stops holding. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const { client, chunk } of held) if (!client.destroyed) client.write(chunk);
  }

  /** Closes every connection (clients see a reset). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.held = [];
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.mode === 'hang') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.on('data', (chunk) => {
      if (this.mode === 'hang') return;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode === 'hold-responses') this.held.push({ client, chunk });
      else if (this.mode !== 'hang') client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (this.mode !== 'hold-responses') client.destroy();
    });
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
