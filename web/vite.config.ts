import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
// `vite web` during development proxies the API and Socket.IO to a running gateway
const gateway = 'http://127.0.0.1:8080';

/** The dashboard build: Preact through esbuild's automatic JSX runtime, output in web/dist (served by the gateway). */
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/v1': gateway,
      '/docs': gateway,
      '/openapi.json': gateway,
      '/socket.io': { target: gateway, ws: true },
    },
  },
});
