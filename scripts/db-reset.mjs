// `npm run db:reset`: rebuilds the private development database from scratch: platform
// bootstrap, every migration, the seed, and the generated types.
import { devCluster, openDevDatabase } from './lib/dev-database.mjs';
import { ensurePrerequisites } from './lib/prerequisites.mjs';
import { writeDatabaseTypes } from './lib/stack.mjs';

if (process.env.SUPABASE_DB_URL) {
  console.error('Cannot reset: SUPABASE_DB_URL points at a database this script did not create. Reset it yourself.');
  process.exit(2);
}
ensurePrerequisites();
devCluster.destroy();
const database = openDevDatabase();
writeDatabaseTypes(database.url);
devCluster.stop();
console.log('Database rebuilt from scratch with demo data (.local/db). Start it with `npm run dev`.');
