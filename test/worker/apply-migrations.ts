// Applies the D1 migrations (src/stores/d1/migrations) to the test database
// before the workerd suites run; idempotent, as wrangler applies them.
import { applyD1Migrations, type D1Migration } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

const e = env as unknown as { DB: D1Database; TEST_MIGRATIONS: D1Migration[] };
await applyD1Migrations(e.DB, e.TEST_MIGRATIONS);
