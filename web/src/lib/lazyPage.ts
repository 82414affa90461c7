/**
 * Route pages loaded on demand, robust to an unreachable backend: a chunk that fails to load
 * raises the banner, waits until the backend answers again and retries (then reloads the page,
 * since browsers may remember a failed module). Pages are fetched in the background once the
 * first page is idle, so a later outage rarely meets an unloaded page at all.
 */
import { lazy, type ComponentType } from "react";
import { isReachableNow, markUnreachable, whenReachable } from "./reachability";

type Loader = () => Promise<{ default: ComponentType }>;
const loaders: Loader[] = [];

/**
 * A lazily loaded page; when `path` matches the address the app starts on, its code is
 * requested at once, in parallel with the settings call that decides about authentication.
 */
export function lazyPage(load: Loader, path?: RegExp) {
  loaders.push(load);
  if (path?.test(window.location.pathname)) void load().catch(() => undefined);
  return lazy(async () => {
    try {
      return await load();
    } catch {
      markUnreachable();
      await whenReachable();
      try {
        return await load();
      } catch (err) {
        if (isReachableNow()) window.location.reload();
        throw err;
      }
    }
  });
}

/** Fetch every page's code a while after the first page, when idle (not the manifest viewer). */
export function preloadPages(): void {
  const run = () => loaders.forEach((l) => void l().catch(() => undefined));
  setTimeout(() => {
    if ("requestIdleCallback" in window) window.requestIdleCallback(run, { timeout: 5000 });
    else run();
  }, 4000);
}
