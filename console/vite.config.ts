import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The admin console's build (issue 15): a single-page app served at /console/ from the API's own
 * origin. Every file lands under assets/ with a content hash except index.html, so the AWS
 * integration maps /console/assets/{file} to objects and every other path to index.html.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the same build works at /console/ and below an API Gateway stage (/v1/console/).
  base: './',
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inlined assets would become data: URLs; the CSP allows scripts and styles only from 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Recharts and React make one ~600 kB chunk; splitting it buys nothing for an admin page.
    chunkSizeWarningLimit: 1000,
  },
});
