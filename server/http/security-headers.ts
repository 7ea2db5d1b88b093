import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface SecurityHeaderOptions {
  /** The public base URL: HSTS and upgrade-insecure-requests are sent only when it is https. */
  publicUrl: string | undefined;
  /** Next.js dev mode evaluates code for its error overlay and fast refresh: allow eval only there. */
  dev: boolean;
}

/** A fresh nonce per response: 16 random bytes, base64 (the alphabet Next.js's nonce parser accepts). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy of every response.
 * - Scripts: only those carrying this response's nonce (Next.js puts it on every script it renders), and what they load
 *   ('strict-dynamic': Next.js's chunk loader adds chunk scripts at run time). No inline handlers, no eval.
 * - Styles: 'self' plus 'unsafe-inline'. Next.js and Recharts render `style="…"` attributes, which a nonce cannot allow
 *   (and a nonce in style-src would switch 'unsafe-inline' off). Injected CSS is a far smaller risk than injected script,
 *   and React escapes everything we render, so this is the accepted trade-off.
 * - Sockets, fetches, images, fonts, forms: same origin only ('self' covers ws:/wss: to our own host in CSP 3 browsers).
 * - frame-ancestors 'none': no page can be framed (clickjacking of admin actions); X-Frame-Options says it to old browsers.
 */
export function contentSecurityPolicy(nonce: string, options: SecurityHeaderOptions): string {
  const https = isHttps(options.publicUrl);
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** API routes and webhooks answer JSON (or CSV): nothing in them may load, run or frame anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers that do not change per response, computed once per server. */
export function staticSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    // Nothing in Callboard uses these features; denying them keeps injected or framed content from asking.
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), browsing-topics=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    // Only over https: an HSTS header on plain http is ignored by browsers, and on localhost it would be a trap.
    ...(isHttps(options.publicUrl) ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

/**
 * Puts the security headers on a response before anything else answers it (webhook fast path, gate redirects,
 * healthz, 404s, Next.js pages). The CSP with this response's nonce is also put on the *request*: Next.js reads the
 * nonce from the request's `content-security-policy` header when it renders a page (what middleware would normally
 * do) and adds it to its scripts. Whatever CSP the client sent is replaced, so a client cannot choose the nonce.
 */
export function securityHeaders(options: SecurityHeaderOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const fixed = Object.entries(staticSecurityHeaders(options));
  return (req, res) => {
    if (req.url?.startsWith("/api/")) {
      // JSON answers run no script: the strictest policy, and no nonce to draw on the webhook hot path.
      res.setHeader("content-security-policy", API_CSP);
      for (const [name, value] of fixed) res.setHeader(name, value);
      return;
    }
    const csp = contentSecurityPolicy(newNonce(), options);
    req.headers["content-security-policy"] = csp;
    delete req.headers["content-security-policy-report-only"];
    res.setHeader("content-security-policy", csp);
    for (const [name, value] of fixed) res.setHeader(name, value);
  };
}

function isHttps(url: string | undefined): boolean {
  return url !== undefined && url.toLowerCase().startsWith("https:");
}
