import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w web` serves the UI with hot reload and forwards the API and tuner routes to a
// server on :5004 (`npm run dev` at the root); `npm run build` writes web/dist, which the server
// serves at /.
const server = process.env.TUNERBRIDGE_URL ?? 'http://127.0.0.1:5004';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/stream', '/discover.json', '/lineup.json', '/playlist.m3u', '/epg.xml'].map((path) => [path, server]),
    ),
  },
});
