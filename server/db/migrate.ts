import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Applies pending migrations with `prisma migrate deploy` (through scripts/prisma.mjs, which runs the schema
 * engine as WebAssembly, so nothing is downloaded). Called at start-up: a fresh clone needs no set-up step.
 */
export function migrateDatabase(databaseUrl: string, root = process.cwd()): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`)),
    );
  });
}
