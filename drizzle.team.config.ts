import { defineConfig } from 'drizzle-kit';

// The team server's Postgres schema: `npx drizzle-kit generate --config drizzle.team.config.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/team/schema.ts',
  out: './db/team/migrations',
});
