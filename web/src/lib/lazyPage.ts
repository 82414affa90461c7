/**
 * Route pages loaded on demand, robust to an unreachable backend: a chunk that fails to load
 * raises the banner, waits until the backend answers again and retries (then reloads the page,
 * since browsers may remember a failed module). Pages are fetched in the background once the
 * first page is idle, so a later outage rarely meets an unloaded page at all.
 */
import { lazy, type ComponentType } from "react";
import { isReachableNow, setUnreachable, whenReachable } from "./reachability";

type Loader = () => Promise<{ default: ComponentType }>;
const loaders: Loader[] = [];

export function lazyPage(load: Loader) {
  loaders.push(load);
  return lazy(async () => {
    try {
      return await load();
    } catch {
      setUnreachable(true);
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

/** Fetch every page's code once the browser is idle (not the manifest viewer). */
export function preloadPages(): void {
  const run = () => loaders.forEach((l) => void l().catch(() => undefined));
  if ("requestIdleCallback" in window) window.requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1500);
}
