#!/usr/bin/env node
// The PostgreSQL schema is made from the SQLite one (prisma/schema.prisma), so the models live in one place:
// only the datasource provider and the generated client's folder differ. `--check` exits 1 when the file on disk
// is not what the SQLite schema makes (tests/unit/schema-parity.test.ts runs it in CI).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma", "schema.prisma");
const target = path.join(root, "prisma", "postgresql", "schema.prisma");

export function postgresSchema(sqliteSchema) {
  const replace = (text, from, to) => {
    if (!text.includes(from)) throw new Error(`prisma/schema.prisma no longer contains ${JSON.stringify(from)}`);
    return text.replace(from, to);
  };
  let text = sqliteSchema;
  text = replace(text, 'provider = "sqlite"', 'provider = "postgresql"');
  text = replace(text, /output\s+=\s+"..\/server\/db\/generated"/.exec(text)?.[0] ?? "output = \"../server/db/generated\"", 'output     = "../../server/db/generated-pg"');
  text = replace(text, "// Callboard data model. SQLite is the embedded default.", "// GENERATED from prisma/schema.prisma by scripts/gen-postgres-schema.mjs: edit that file, then run `npm run prisma:pg-schema`.\n// Callboard data model for PostgreSQL (DATABASE_URL=postgresql://…).");
  return text;
}

function main() {
  const wanted = postgresSchema(fs.readFileSync(source, "utf8"));
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current !== wanted) {
      console.error("prisma/postgresql/schema.prisma differs from what prisma/schema.prisma makes: run `npm run prisma:pg-schema` and add a PostgreSQL migration");
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, wanted);
    console.log(`wrote ${path.relative(root, target)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
