import type { IncomingMessage, Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";
import proxyaddr from "proxy-addr";
import type { ConnectionLimits } from "../config";

/**
 * Options for `createServer`: Node checks the headers/request deadlines of open connections every
 * `connectionsCheckingInterval`, which can only be set at creation. A tenth of the headers timeout (at most 1 s, at least
 * 100 ms) closes a slow-loris or idle socket soon after its deadline.
 */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(limits.headersTimeoutMs / 10))),
  };
}

/** Open connections per client address. */
export class AddressCounter {
  private readonly open = new Map<string, number>();

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }

  add(address: string): number {
    const next = this.count(address) + 1;
    this.open.set(address, next);
    return next;
  }

  remove(address: string): void {
    const next = this.count(address) - 1;
    if (next > 0) this.open.set(address, next);
    else this.open.delete(address);
  }
}

/** IPv4-mapped IPv6 folded to IPv4, so one client is one address. */
function folded(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** The address a socket's peer is counted as. */
export function clientAddress(socket: Pick<Socket, "remoteAddress">): string {
  return folded(socket.remoteAddress ?? "unknown");
}

/** Whether an address (with its hop from the server) is one of TRUSTED_PROXIES. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** TRUSTED_PROXIES compiled (proxy-addr, Express's own): addresses, CIDR ranges, loopback/linklocal/uniquelocal. */
export function proxyTrust(trusted: readonly string[]): ProxyTrust {
  if (trusted.length === 0) return () => false;
  const compiled = proxyaddr.compile([...trusted]);
  return (address, hop) => compiled(address, hop);
}

/**
 * The client a request is counted as: its peer, unless the peer is a trusted proxy, then the nearest address in
 * X-Forwarded-For that is not one (a client cannot pass for another by sending the header itself: only trusted hops
 * are skipped, from the right).
 */
export function requestAddress(req: IncomingMessage, trust: ProxyTrust): string {
  if (!req.socket.remoteAddress) return "unknown";
  return folded(proxyaddr(req, trust));
}

/**
 * Caps open HTTP connections in total (Node drops sockets over `maxConnections` on accept) and per client address
 * (a socket over its address's cap is destroyed at once, before it can hold a parser or a request). Timeouts close
 * connections that never send or never finish their headers, so idle sockets cannot pile up towards either cap.
 */
export function limitConnections(server: Server, limits: ConnectionLimits, trust: ProxyTrust = () => false): { perAddress: AddressCounter } {
  // (The headers/request/keep-alive timeouts are set at creation: `serverOptions`.)
  server.maxConnections = limits.maxConnections;
  const perAddress = new AddressCounter();
  // Before the HTTP server's own listener: a socket over the cap is gone before a parser is attached to it.
  server.prependListener("connection", (socket: Socket) => {
    const address = clientAddress(socket);
    // A trusted load balancer carries every client's connections: only the total cap applies to it.
    const capped = !trust(address, 0);
    if (capped && perAddress.add(address) > limits.maxConnectionsPerAddress) {
      perAddress.remove(address);
      socket.destroy();
      return;
    }
    // Node's headers deadline starts with a request's first byte: a socket that never sends one would stay open for
    // ever (the probe's 20,000 idle sockets). One that has sent nothing by the headers deadline is closed; once it has
    // spoken, Node's own headers/request/keep-alive timeouts take over.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, limits.headersTimeoutMs);
    silent.unref();
    socket.once("close", () => {
      clearTimeout(silent);
      if (capped) perAddress.remove(address);
    });
  });
  return { perAddress };
}
