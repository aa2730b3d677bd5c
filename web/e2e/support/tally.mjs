// A real `tally serve` for one browser suite: a free loopback port, a fresh
// SQLite data directory, one user provisioned through TALLY_INIT_*, and the
// UI served from this checkout's web/dist (build it first: npm run build).
// TALLY_WEB_DIR names another directory whose dist/ to serve instead, so a
// build made elsewhere (vite build --outDir DIR/dist) can be tested while
// web/dist is being rebuilt.
// With `{ keyPair: true }` it also provisions a project with a Langfuse key
// pair, returned as `keys: { projectId, publicKey, secretKey }`. With
// `{ demo: true }` it starts `tally serve --demo` instead, waits until the
// demo projects are filled, and returns the demo account from the banner.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const servedWebDir = process.env.TALLY_WEB_DIR ? resolve(process.env.TALLY_WEB_DIR) : webDir;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(baseUrl, child, logPath) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tally serve exited with status ${child.exitCode}; see ${logPath}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`tally serve did not become healthy within 20 s; see ${logPath}`);
}

// Waits for the demo seeder to finish and reads the account from the banner.
async function waitForDemo(logPath) {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline) {
    const log = readFileSync(logPath, "utf8");
    if (log.includes("event=demo_seed_failed")) throw new Error(`the demo seeder failed; see ${logPath}`);
    if (log.includes("event=demo_seed_finished")) {
      const signIn = /Sign in:\s+(\S+) \/ (\S+)/.exec(log);
      const token = /API token:\s+([0-9a-f]+)/.exec(log);
      const keys = /LANGFUSE_PUBLIC_KEY=(\S+) LANGFUSE_SECRET_KEY=(\S+)/.exec(log);
      if (!signIn || !token || !keys) throw new Error(`no demo banner in ${logPath}`);
      return {
        user: { email: signIn[1], password: signIn[2] },
        token: token[1],
        keys: { projectId: 1, publicKey: keys[1], secretKey: keys[2] },
      };
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the demo seeder did not finish within 120 s; see ${logPath}`);
}

// `serveArgs` adds arguments to `tally serve`, such as --templates-dir.
export async function startTally({ keyPair = false, demo = false, serveArgs = [] } = {}) {
  const binary = process.env.TALLY_BINARY ?? resolve(webDir, "../build/tally");
  if (!existsSync(binary)) throw new Error(`no tally binary at ${binary}; build it or set TALLY_BINARY`);
  if (!existsSync(join(servedWebDir, "dist/index.html"))) {
    throw new Error(`${servedWebDir}/dist is missing; run npm run build in web/`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "tally-e2e-"));
  const logPath = join(dataDir, "serve.log");
  const log = openSync(logPath, "a");
  let user = { email: "annotator@example.com", password: "e2e-" + randomBytes(9).toString("hex") };
  let token = randomBytes(20).toString("hex");
  let keys = keyPair
    ? { projectId: 1, publicKey: "pk-lf-e2e-" + randomBytes(8).toString("hex"),
        secretKey: "sk-lf-e2e-" + randomBytes(16).toString("hex") }
    : null;
  const keyEnvironment = keys
    ? { TALLY_INIT_PROJECT_NAME: "e2e traces", TALLY_INIT_PROJECT_PUBLIC_KEY: keys.publicKey,
        TALLY_INIT_PROJECT_SECRET_KEY: keys.secretKey }
    : {};
  const child = spawn(
    binary,
    ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir, "--web-dir", servedWebDir,
     ...(demo ? ["--demo"] : []), ...serveArgs],
    {
      stdio: ["ignore", log, log],
      env: demo
        ? process.env
        : {
            ...process.env,
            TALLY_INIT_USER_EMAIL: user.email,
            TALLY_INIT_USER_PASSWORD: user.password,
            TALLY_INIT_USER_TOKEN: token,
            ...keyEnvironment,
          },
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, logPath);
  if (demo) ({ user, token, keys } = await waitForDemo(logPath));

  return {
    baseUrl,
    user,
    token,
    keys,
    logPath,
    // Calls the API with the user's token; returns the parsed body or throws.
    async api(path, options = {}) {
      const response = await fetch(baseUrl + path, {
        ...options,
        headers: { Authorization: `Token ${token}`, "Content-Type": "application/json", ...(options.headers ?? {}) },
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${options.method ?? "GET"} ${path} returned ${response.status}: ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      if (!process.env.TALLY_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
