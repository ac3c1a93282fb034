// `npm run types:gen`: regenerates types/database.types.ts from the development database.
import { openDevDatabase, devCluster } from './lib/dev-database.mjs';
import { writeDatabaseTypes } from './lib/stack.mjs';

const database = openDevDatabase();
writeDatabaseTypes(database.url);
if (database.startedCluster) devCluster.stop();
console.log('types/database.types.ts regenerated');
