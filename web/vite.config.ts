// Vite builds the UI into dist/, which `tally serve` serves (src/http/static_files.h).
// In development, `npm run dev` proxies the server's paths to a running
// `tally serve` (TALLY_URL, default http://127.0.0.1:8080).
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

const server = process.env.TALLY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": server, "/data": server, "/health": server, "/metrics": server },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
