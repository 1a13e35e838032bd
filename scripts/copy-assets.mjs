// tsc copies no SQL: the migrations travel next to the compiled db module.
import { cpSync, chmodSync } from 'node:fs';
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });
chmodSync('dist/main.js', 0o755);
