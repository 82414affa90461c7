/**
 * Whether the backend answers, shared by the banner, the API client and the page loader.
 *
 * Each request is numbered when it is sent, and only an outcome at least as recent as the one
 * that decided the current state may change it: an answer to a request sent before the outage
 * began can arrive after a newer request failed (browsers finish requests already on the wire
 * when the network goes), and it must not end the outage; likewise a late failure of an old
 * request does not start one after a newer request was answered.
 */
import { useSyncExternalStore } from "react";

let unreachable = false;
let sent = 0;
/** The number of the request whose outcome decided the current state. */
let decidedBy = 0;
const listeners = new Set<() => void>();

/** A number for a request about to be sent: later requests get larger numbers. */
export function requestSent(): number {
  return ++sent;
}

/** Request `request` got an HTTP answer (any status) or none at all. */
export function reportOutcome(request: number, answered: boolean): void {
  if (request < decidedBy) return;
  decidedBy = request;
  if (answered === !unreachable) return;
  unreachable = !answered;
  for (const l of listeners) l();
}

/** Something other than an API call (a page's code) failed to load now: newer than any request. */
export function markUnreachable(): void {
  reportOutcome(requestSent(), false);
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
