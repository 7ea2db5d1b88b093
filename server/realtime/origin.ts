import type { IncomingMessage } from "node:http";

/**
 * Whether a Socket.IO handshake may proceed, judged by its Origin. Browsers always send Origin on WebSocket and
 * cross-origin requests, and WebSockets are not covered by CORS: without this check any web page a signed-in user visits
 * could open a socket with their cookie and read the board (cross-site WebSocket hijacking). Allowed: the origin of the
 * Host the request came to (http or https, since a TLS proxy may sit in front) and PUBLIC_URL's origin. No Origin at all
 * (a non-browser client) is allowed: such a client still needs a valid session cookie.
 */
export function originAllowed(req: Pick<IncomingMessage, "headers">, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  const host = req.headers.host?.toLowerCase();
  if (host !== undefined && parsed.host === host) return true;
  if (publicUrl === undefined) return false;
  try {
    return parsed.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}
