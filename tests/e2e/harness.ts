/**
 * A small test runner over playwright-core: Debian's Chromium by executable path, one fresh
 * browser context per test, no retries, and on failure the trace and a screenshot kept under
 * tests/e2e/artifacts/<test>/ (open a trace with `npx playwright-core show-trace FILE`).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface StackInfo {
  cluster: string;
  kubeconfig: string;
  logs: string;
  baseUrl: string;
  authBaseUrl: string;
  namespace: string;
  deployerToken: string;
  nobodyToken: string;
}

export interface TestContext {
  page: Page;
  context: BrowserContext;
  stack: StackInfo;
}

export interface TestCase {
  name: string;
  fn: (t: TestContext) => Promise<void>;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** Wait until `text` is visible on the page (exact substring; first match). */
export async function see(page: Page, text: string | RegExp, timeout = 15_000): Promise<void> {
  await page.getByText(text).first().waitFor({ state: "visible", timeout });
}

/** Fail unless axe-core finds no serious or critical violation on the page, in both themes. */
export async function axe(page: Page, where: string): Promise<void> {
  // evaluated through the DevTools protocol: the backend's CSP forbids injected <script> tags
  await page.evaluate(AXE_SOURCE);
  const problems: string[] = [];
  for (const dark of [false, true]) {
    await page.evaluate((d) => document.documentElement.classList.toggle("dark", d), dark);
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} [${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 160)}]`) }));
    });
    for (const v of violations) {
      if (v.impact === "serious" || v.impact === "critical") {
        problems.push(`${dark ? "dark" : "light"}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(", ")}`);
      }
    }
  }
  await page.evaluate(() => document.documentElement.classList.toggle("dark", localStorage.getItem("airunway_theme") === "dark"));
  if (problems.length) throw new Error(`accessibility violations on ${where}:\n  ${problems.join("\n  ")}`);
}

/** A JSON call to the real backend from the test itself (set-up and checks, never a mock). */
export async function apiCall<T>(stack: StackInfo, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const base = token ? stack.authBaseUrl : stack.baseUrl;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
}

/** Resolves when a request for `url` fails: on the network (the browser is offline) or with a
 * 5xx answer (the backend behind the proxy is down). */
export function requestFails(page: Page, url: RegExp, timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no failed request for ${url} within ${timeout} ms`)), timeout);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    page.on("requestfailed", (r) => url.test(r.url()) && done());
    page.on("response", (r) => url.test(r.url()) && r.status() >= 500 && done());
  });
}

/** How a gate treats the first request for its path that reaches the proxy before release. */
export type GateKind =
  /** forwarded at once; the real answer is kept until release (it arrives late) */
  | "late-answer"
  /** not forwarded; on release answered 502 Bad Gateway, as a reverse proxy does when the
   * backend is down (a dropped connection would be retried transparently by the browser) */
  | "unavailable";

export interface Gate {
  /** Resolves once a request is being held (for "late-answer": once its answer is in hand). */
  held: Promise<void>;
  /** Let the held request go its way; later requests pass untouched, whether one was held or not. */
  release: () => void;
}

export interface GatedProxy {
  /** The proxy's address: load the UI from here so that all its requests pass through it. */
  url: string;
  gates: Gate[];
  close: () => Promise<void>;
}

/**
 * A pass-through proxy in front of the real backend that can hold one request per gate, so a
 * test puts a request in a known state (on the wire, answered late, or answered 502) whatever the
 * machine's speed. Everything else, and every answer, comes from the real backend.
 */
export async function gatedProxy(target: string, specs: { path: RegExp; kind: GateKind }[]): Promise<GatedProxy> {
  const upstream = new URL(target);
  const gates = specs.map((spec) => {
    let release = () => {};
    let heldNow = () => {};
    const released = new Promise<void>((res) => (release = res));
    const held = new Promise<void>((res) => (heldNow = res));
    const gate = { ...spec, armed: true, held, released, heldNow, release: () => {} };
    gate.release = () => {
      gate.armed = false;
      release();
    };
    return gate;
  });
  const server = createServer((req, res) => {
    const gate = gates.find((g) => g.armed && g.path.test((req.url ?? "").split("?")[0]));
    if (gate) gate.armed = false;
    if (gate?.kind === "unavailable") {
      gate.heldNow();
      void gate.released.then(() => res.writeHead(502, { "content-type": "text/plain" }).end("backend unavailable"));
      return;
    }
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        gate?.heldNow();
        void (gate ? gate.released : Promise.resolve()).then(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      });
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gates: gates.map((g) => ({ held: g.held, release: g.release })),
    close: async () => {
      for (const g of gates) g.release();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

export async function runAll(browser: Browser, stack: StackInfo, cases: TestCase[], only?: string): Promise<number> {
  const root = join(import.meta.dirname, "artifacts");
  rmSync(root, { recursive: true, force: true });
  let failed = 0;
  for (const tc of cases) {
    if (only && !tc.name.includes(only)) continue;
    const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1400, height: 900 }, reducedMotion: "reduce" });
    await context.addInitScript(() => {
      (window as unknown as { __E2E_TEST__: boolean }).__E2E_TEST__ = true;
    });
    await context.tracing.start({ screenshots: true, snapshots: true });
    const page = await context.newPage();
    const started = Date.now();
    try {
      await tc.fn({ page, context, stack });
      await context.tracing.stop();
      console.log(`  ok    ${tc.name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failed++;
      const dir = join(root, tc.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, "failure.png"), fullPage: true }).catch(() => undefined);
      await context.tracing.stop({ path: join(dir, "trace.zip") }).catch(() => undefined);
      console.log(`  FAIL  ${tc.name} (${((Date.now() - started) / 1000).toFixed(1)}s)\n${indent(String(err instanceof Error ? err.stack ?? err.message : err))}\n        artifacts: ${dir}`);
    } finally {
      await context.close();
    }
  }
  return failed;
}

function indent(text: string): string {
  return text
    .split("\n")
    .slice(0, 12)
    .map((l) => `        ${l}`)
    .join("\n");
}
