import http from "node:http";

/**
 * A GET with the path sent exactly as written: fetch() normalizes URLs (`/_next/../admin` becomes `/admin`) before
 * sending, which would hide the very requests an attacker crafts by hand.
 */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | undefined; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path, method: "GET", headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }));
    });
    request.on("error", reject);
    request.end();
  });
}
