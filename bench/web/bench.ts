/**
 * Web UI benchmark (issue 9 item 4), printing figures:
 *  1. initial JavaScript, gzipped: the entry chunk, its static imports and the first page's
 *     (Models) chunk with its imports, read from Vite's build manifest (goal ≤ 200 KB);
 *  2. the Deployments page over N ModelDeployments (default 1,000) in headless Chromium
 *     (/usr/bin/chromium): time from navigation to the first rows, to "interactive" (rows shown
 *     and no long task pending), and to the last row after scrolling (goal: interactive ≤ 1 s).
 *
 * Usage: npm run bench -- [--n 1000] [--runs 3]   (make bench-web ARGS="--n 1000")
 * Needs `npm run build` first; starts bench.web.stack (a side dev cluster + the backend).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = join(ROOT, "web/dist");

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  src?: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function gz(file: string): number {
  return gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
}

function bundleFigures(): void {
  const manifest = JSON.parse(readFileSync(join(DIST, ".vite/manifest.json"), "utf8")) as Record<string, Chunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)!;
  const seen = new Set<string>();
  const walk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key].imports ?? []) walk(i);
  };
  walk(entryKey);
  const firstPage = (manifest[entryKey].dynamicImports ?? []).find((k) => k.includes("ModelsPage"));
  if (firstPage) walk(firstPage);
  const initial = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith(".js"));
  const initialGz = initial.reduce((s, f) => s + gz(f), 0);
  const all = Object.values(manifest).map((c) => c.file).filter((f) => f.endsWith(".js"));
  const largest = all.map((f) => [f, gz(f)] as const).sort((a, b) => b[1] - a[1])[0];
  const viewer = Object.values(manifest).find((c) => c.src?.includes("ManifestViewer"));
  console.log("Initial JavaScript (entry + static imports + Models page), gzipped");
  for (const f of initial) console.log(`  ${f.padEnd(44)} ${(gz(f) / 1024).toFixed(1)} KB`);
  console.log(`  total initial       ${(initialGz / 1024).toFixed(1)} KB   (goal <= 200 KB)`);
  console.log(`  all JS chunks       ${(all.reduce((s, f) => s + gz(f), 0) / 1024).toFixed(1)} KB in ${all.length} chunks; largest ${largest[0]} ${(largest[1] / 1024).toFixed(1)} KB`);
  if (viewer) console.log(`  manifest viewer     ${(gz(viewer.file) / 1024).toFixed(1)} KB, loaded only when a manifest is shown`);
}

async function startStack(n: number): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const file = join(mkdtempSync(join(tmpdir(), "airunway-bench-web-")), "stack.json");
  const child = spawn(join(ROOT, ".venv/bin/python"), ["-m", "bench.web.stack", "--info", file, "--n", String(n)], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  await new Promise<void>((res, rej) => {
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (chunk.toString().includes("stack ready")) res();
    });
    void exited.then((code) => rej(new Error(`bench stack exited with ${code}`)));
  });
  const { baseUrl } = JSON.parse(readFileSync(file, "utf8")) as { baseUrl: string };
  return {
    baseUrl,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function pageFigures(baseUrl: string, n: number, runs: number): Promise<void> {
  const api: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await (await fetch(`${baseUrl}/api/deployments`)).json();
    api.push(performance.now() - t0);
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  const rows: number[] = [];
  const interactive: number[] = [];
  const scrolled: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 } });
      await context.addInitScript(() => {
        const w = window as unknown as { __rows?: number; __longEnd: number };
        w.__longEnd = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.__longEnd = Math.max(w.__longEnd, e.startTime + e.duration);
        }).observe({ type: "longtask", buffered: true });
        new MutationObserver((_, obs) => {
          if (document.querySelector('[data-testid="deployment-row"]')) {
            w.__rows = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      const page = await context.newPage();
      await page.goto("/deployments");
      await page.locator('[data-testid="deployment-row"]').first().waitFor({ timeout: 30_000 });
      const shown = await page.evaluate(() => document.body.innerText.match(/(\d+) active/)?.[1]);
      if (Number(shown) !== n) throw new Error(`the page lists ${shown} deployments, expected ${n}`);
      // let pending tasks finish, then read when rows appeared and when the last long task ended
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      const t = await page.evaluate(() => {
        const w = window as unknown as { __rows: number; __longEnd: number };
        return { rows: w.__rows, interactive: Math.max(w.__rows, w.__longEnd) };
      });
      const scroll = await page.evaluate(async (count) => {
        const box = document.querySelector('[aria-label="Deployments"]') as HTMLElement;
        const t0 = performance.now();
        box.scrollTop = box.scrollHeight;
        const lastTop = (count - 1) * 64; // rows are 64 px; the last one sits at (n - 1) * 64
        // a loop, not a named helper: tsx would wrap a named function in a helper the page lacks
        while (
          !Array.from(box.querySelectorAll('[role="listitem"]')).some((el) => (el as HTMLElement).style.transform === `translateY(${lastTop}px)`)
        ) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        return performance.now() - t0;
      }, n);
      rows.push(t.rows);
      interactive.push(t.interactive);
      scrolled.push(scroll);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`\nDeployments page, ${n} ModelDeployments, headless Chromium, median of ${runs} cold loads`);
  console.log(`  GET /api/deployments ${median(api).toFixed(0)} ms (the backend's share, from Node)`);
  console.log(`  first rows          ${median(rows).toFixed(0)} ms after navigation start`);
  console.log(`  interactive         ${median(interactive).toFixed(0)} ms   (goal <= 1000 ms)`);
  console.log(`  scroll to last row  ${median(scrolled).toFixed(0)} ms`);
}

async function main(): Promise<void> {
  if (!existsSync(join(DIST, ".vite/manifest.json"))) throw new Error("build the UI first: npm run build");
  bundleFigures();
  const n = arg("n", 1000);
  const { baseUrl, stop } = await startStack(n);
  try {
    await pageFigures(baseUrl, n, arg("runs", 3));
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
