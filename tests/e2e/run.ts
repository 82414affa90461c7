/**
 * Browser tests of the web UI on the real stack: `npm run e2e` (make web).
 *
 * Starts tests/e2e/stack.py (dev cluster, controller, providers, backends), waits for it,
 * runs every case in Debian's Chromium and stops the stack. AIRUNWAY_E2E_INFO=FILE reuses a
 * stack already started by hand (`.venv/bin/python -m tests.e2e.stack --info FILE`);
 * AIRUNWAY_E2E_ONLY=text runs the cases whose name contains it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { launch, runAll, type StackInfo } from "./harness";
import { cases } from "./specs";

const ROOT = resolve(import.meta.dirname, "../..");

async function startStack(): Promise<{ info: StackInfo; stop: () => Promise<void> }> {
  const reuse = process.env.AIRUNWAY_E2E_INFO;
  if (reuse) return { info: JSON.parse(readFileSync(reuse, "utf8")) as StackInfo, stop: async () => {} };
  const file = join(mkdtempSync(join(tmpdir(), "airunway-e2e-")), "stack.json");
  const child = spawn(join(ROOT, ".venv/bin/python"), ["-m", "tests.e2e.stack", "--info", file], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error("the stack did not start within 300 s")), 300_000);
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (chunk.toString().includes("stack ready")) {
        clearTimeout(timer);
        res();
      }
    });
    void exited.then((code) => rej(new Error(`the stack exited with ${code} before it was ready (its output is above)`)));
  });
  return {
    info: JSON.parse(readFileSync(file, "utf8")) as StackInfo,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, "web/dist/index.html"))) {
    console.error("web/dist is not built: run `npm run build` (scripts/bootstrap.sh does)");
    return 1;
  }
  const t0 = Date.now();
  const { info, stop } = await startStack();
  console.log(`\nstack up in ${((Date.now() - t0) / 1000).toFixed(0)}s (cluster ${info.cluster}, logs ${info.logs})`);
  const browser = await launch();
  let failed = 1;
  try {
    failed = await runAll(browser, info, cases, process.env.AIRUNWAY_E2E_ONLY);
  } finally {
    await browser.close();
    await stop();
  }
  console.log(`${failed ? `${failed} failed` : "all passed"} in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
