/**
 * The one API client of the UI and the reachability signal the shell's banner shows.
 * Everything typed comes from @airunway/client (generated from the backend's OpenAPI).
 */
import { ApiError, createApiClient, unwrap } from "@airunway/client";
import { reportOutcome, requestSent } from "./reachability";

export { ApiError, unwrap };

const TOKEN_KEY = "airunway_auth_token";
const USER_KEY = "airunway_auth_username";

export const tokenStore = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string, username?: string): void {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, username ?? usernameFromToken(token) ?? "user");
    window.dispatchEvent(new Event("auth:changed"));
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    window.dispatchEvent(new Event("auth:changed"));
  },
  username(): string | null {
    return localStorage.getItem(USER_KEY);
  },
};

/** The user a JWT names (email → preferred_username → sub); null for opaque tokens. */
export function usernameFromToken(token: string): string | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const name = json.email ?? json.preferred_username ?? json.sub;
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}

/** fetch that tells the reachability state what became of each call (any HTTP answer counts). */
const reportingFetch: typeof fetch = async (input, init) => {
  const request = requestSent();
  try {
    const response = await fetch(input, init);
    reportOutcome(request, true);
    return response;
  } catch (err) {
    if (!(err instanceof DOMException && err.name === "AbortError")) reportOutcome(request, false);
    throw err;
  }
};

export const api = createApiClient({
  baseUrl: import.meta.env.VITE_API_URL ?? "",
  fetch: reportingFetch,
  getToken: () => tokenStore.get(),
  // Only a token that was sent and refused ends a session; without one, a 401 just means
  // "log in" (the page may ask before it knows whether auth is on).
  onUnauthorized: () => {
    if (tokenStore.get()) window.dispatchEvent(new Event("auth:unauthorized"));
  },
});

/** "message (CODE)" for an error from the API, or the message of anything else. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.status ? `${err.message} (${err.code}, HTTP ${err.status})` : err.message;
  return err instanceof Error ? err.message : String(err);
}
