import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ESM script without types
import { postgresSchema } from "@/scripts/gen-postgres-schema.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const models = (schema: string) => schema.slice(schema.indexOf("\nmodel "));
const migrations = (folder: string) =>
  fs.readdirSync(path.join(root, folder), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

/** The PostgreSQL migrations start with one that holds every SQLite migration up to this one. */
const POSTGRES_INIT = "20261123200000_init";

describe("the SQLite and PostgreSQL schemas stay the same models", () => {
  it("prisma/postgresql/schema.prisma is exactly what prisma/schema.prisma makes (npm run prisma:pg-schema)", () => {
    const sqlite = read("prisma/schema.prisma");
    const postgres = read("prisma/postgresql/schema.prisma");
    expect(postgres).toBe((postgresSchema as (text: string) => string)(sqlite));
    expect(models(postgres)).toBe(models(sqlite));
    expect(postgres).toContain('provider = "postgresql"');
  });

  it("a model changed on one side only is caught", () => {
    const sqlite = read("prisma/schema.prisma");
    const changed = sqlite.replace("  recording    String?", "  recording    String?\n  extra        Int?");
    expect(changed).not.toBe(sqlite);
    expect(models((postgresSchema as (text: string) => string)(changed))).not.toBe(models(read("prisma/postgresql/schema.prisma")));
  });

  it("every SQLite migration after the PostgreSQL baseline has a PostgreSQL migration of the same name, and back", () => {
    const sqlite = migrations("prisma/migrations").filter((name) => name > POSTGRES_INIT);
    const postgres = migrations("prisma/postgresql/migrations").filter((name) => name !== POSTGRES_INIT);
    expect(postgres).toEqual(sqlite);
    expect(migrations("prisma/migrations").at(-1)! <= migrations("prisma/postgresql/migrations").at(-1)!).toBe(true);
  });

  it("no PostgreSQL migration has a semicolon in a comment (the adapter splits scripts on ';')", () => {
    for (const name of migrations("prisma/postgresql/migrations")) {
      const sql = read(`prisma/postgresql/migrations/${name}/migration.sql`);
      const commented = sql.split("\n").filter((line) => line.trim().startsWith("--") && line.includes(";"));
      expect(commented, name).toEqual([]);
    }
  });
});
