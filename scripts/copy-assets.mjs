// tsc copies no SQL: the migrations travel next to the compiled db module.
import { cpSync, chmodSync } from 'node:fs';
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });
// The demo provider's MPEG-TS test pattern.
cpSync('src/demo/assets', 'dist/demo/assets', { recursive: true });
chmodSync('dist/main.js', 0o755);
