// Starts a real `tally serve` for one test file and stops it afterwards.
//
// The binary comes from TALLY_BINARY. The server listens on a free loopback
// port with a fresh SQLite data directory, or on TALLY_TEST_DATABASE_URL when
// the runner sets it (a PostgreSQL schema created for this run). The project
// key pair is provisioned through the TALLY_INIT_* variables.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

export const publicKey = "pk-lf-client-tests";
export const secretKey = "sk-lf-client-tests-secret-0001";
// The legacy API token of the provisioned user, for Tally's own /api routes.
export const userToken = "c11e7700c11e7700c11e7700c11e7700c11e7700";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl, child, deadlineMs, logPath) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tally serve exited with status ${child.exitCode}; see ${logPath}`);
    try {
      const response = await fetch(`${baseUrl}/api/public/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tally serve did not pass /api/public/health within ${deadlineMs} ms; see ${logPath}`);
}

export async function startTally() {
  const binary = process.env.TALLY_BINARY;
  if (!binary) throw new Error("TALLY_BINARY must name the tally binary to test");
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "tally-client-"));
  const args = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir];
  if (process.env.TALLY_TEST_DATABASE_URL) args.push("--database-url", process.env.TALLY_TEST_DATABASE_URL);
  const logPath = join(dataDir, "serve.log");
  const log = openSync(logPath, "a");
  const child = spawn(binary, args, {
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      TALLY_INIT_USER_EMAIL: "client-tests@example.com",
      TALLY_INIT_USER_TOKEN: userToken,
      TALLY_INIT_PROJECT_NAME: "Client tests",
      TALLY_INIT_PROJECT_PUBLIC_KEY: publicKey,
      TALLY_INIT_PROJECT_SECRET_KEY: secretKey,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, 20000, logPath);

  const authorization = "Basic " + Buffer.from(`${publicKey}:${secretKey}`).toString("base64");
  return {
    baseUrl,
    logPath,
    // GET a read API path and return the parsed body; throws on a non-2xx status.
    async get(path) {
      const response = await fetch(baseUrl + path, { headers: { Authorization: authorization } });
      const body = await response.json();
      if (!response.ok) throw new Error(`GET ${path} returned ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (!process.env.TALLY_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// A unique suffix so test files sharing one PostgreSQL schema never collide.
export function uniqueSuffix() {
  return randomUUID().slice(0, 8);
}

// Polls `read` until it returns a truthy value; ingestion is synchronous here,
// so this only absorbs SDK flush timing.
export async function eventually(read, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw lastError ?? new Error("condition not met in time");
}
