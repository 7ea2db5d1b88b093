// @ts-check
const createNextIntlPlugin = require("next-intl/plugin");

// next-intl without locale routing: i18n/request.ts picks each request's language and zone (see docs/decisions.md).
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/index.ts) owns the database and native modules; keep them out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pino"],
  typescript: { ignoreBuildErrors: false },
  // forbidden() from next/navigation: pages and server actions answer a real 403 (app/forbidden.tsx) to the wrong role.
  experimental: { authInterrupts: true },
};
module.exports = withNextIntl(nextConfig);
