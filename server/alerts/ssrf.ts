import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Where an alert webhook may point. An admin types the URL and Callboard POSTs to it from inside the centre's network,
 * so a URL to Callboard's own host or to a cloud metadata address would let the form reach what only the server can.
 * Refused unless CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL is set: loopback, "this host", link-local (169.254/16 holds the
 * cloud metadata services; fe80::/10), multicast and broadcast. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7)
 * stay allowed: a centre's own chat server in its LAN is a fair target. Checked twice: when the URL is saved (literal
 * addresses, localhost names) and on every connection, on the address actually dialled (a name that resolves to a
 * refused address, or is changed to one later, is refused then).
 */
const REFUSED = new BlockList();
REFUSED.addSubnet("0.0.0.0", 8, "ipv4");
REFUSED.addSubnet("127.0.0.0", 8, "ipv4");
REFUSED.addSubnet("169.254.0.0", 16, "ipv4");
REFUSED.addSubnet("224.0.0.0", 4, "ipv4");
REFUSED.addAddress("255.255.255.255", "ipv4");
REFUSED.addAddress("::", "ipv6");
REFUSED.addAddress("::1", "ipv6");
REFUSED.addSubnet("fe80::", 10, "ipv6");
REFUSED.addSubnet("ff00::", 8, "ipv6");

/** Why a URL is refused: `invalid` (not a URL), `scheme` (not http/https), `noHost`, `local` (loopback, link-local…). */
export type RefusalReason = "invalid" | "scheme" | "noHost" | "local";

export class RefusedTargetError extends Error {
  override name = "RefusedTargetError";
  constructor(
    message: string,
    readonly reason: RefusalReason = "local",
  ) {
    super(message);
  }
}

/** Whether an IP address is one alert webhooks may not reach. */
export function refusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return REFUSED.check(address, family === 4 ? "ipv4" : "ipv6");
}

const LOCAL_NAME = /^(?:localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/**
 * Checks a webhook URL as typed: http or https, a host, no loopback/link-local literal or localhost name (unless local
 * targets are allowed). Returns the normalized URL; throws RefusedTargetError with a message for the admin.
 */
export function checkWebhookUrl(raw: string, allowLocal: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new RefusedTargetError("the webhook URL is not a valid URL", "invalid");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RefusedTargetError("the webhook URL must start with http:// or https://", "scheme");
  if (!url.hostname) throw new RefusedTargetError("the webhook URL has no host", "noHost");
  if (!allowLocal) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (LOCAL_NAME.test(host) || refusedAddress(host)) {
      throw new RefusedTargetError("the webhook URL points to this server or a link-local address (refused; see CALLBOARD_ALERT_WEBHOOK_ALLOW_LOCAL)", "local");
    }
  }
  return url.toString();
}

/** Resolves a name to all its addresses (dns.lookup with `all: true`; replaceable in tests). */
export type Resolver = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses names resolving to a refused address: the check is made on the addresses
 * the socket will dial, so a DNS answer changed after the URL was saved (rebinding) is caught too.
 */
export function guardedLookup(allowLocal: boolean, resolve: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback)) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses;
      const bad = allowLocal ? undefined : list.find((entry) => refusedAddress(entry.address));
      if (bad) return callback(Object.assign(new RefusedTargetError(`${hostname} resolves to ${bad.address}, a refused address`), { code: "EREFUSEDTARGET" }), []);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}
