/**
 * Whether the backend answers, shared by the banner and the query cache: a request that
 * fails without any HTTP answer marks it unreachable; any answer marks it reachable again.
 */
import { useSyncExternalStore } from "react";

let unreachable = false;
const listeners = new Set<() => void>();

export function setUnreachable(value: boolean): void {
  if (value === unreachable) return;
  unreachable = value;
  for (const l of listeners) l();
}

export function useUnreachable(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unreachable,
  );
}

export function isReachableNow(): boolean {
  return !unreachable;
}

/** Resolves once the backend is marked reachable again (immediately if it is). */
export function whenReachable(): Promise<void> {
  if (!unreachable) return Promise.resolve();
  return new Promise((resolve) => {
    const l = () => {
      if (!unreachable) {
        listeners.delete(l);
        resolve();
      }
    };
    listeners.add(l);
  });
}
