/**
 * Typed client of the AI Runway REST API.
 *
 * Every type comes from `schema.gen.ts`, which openapi-typescript generates from the backend's
 * own `clients/openapi.json`; nothing here restates an API shape by hand. `createApiClient`
 * wraps openapi-fetch with what every caller needs: the bearer token, the session-end signal
 * (a 401 carrying `X-Airunway-Auth-Error`) and one error type carrying the backend's
 * `{error, code, details}` body.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.gen";

export type { components, paths } from "./schema.gen";

type Schemas = components["schemas"];
export type DeploymentConfig = Schemas["DeploymentConfig"];
export type DeploymentStatus = Schemas["DeploymentStatus"];
export type DeploymentList = Schemas["DeploymentList"];
export type PodStatus = Schemas["PodStatus"];
export type Model = Schemas["Model"];
export type RuntimeStatus = Schemas["RuntimeStatus"];
export type SettingsView = Schemas["SettingsView"];
export type ClusterStatus = Schemas["ClusterStatus"];
export type ClusterGpuCapacity = Schemas["ClusterGpuCapacity"];
export type DetailedClusterCapacity = Schemas["DetailedClusterCapacity"];
export type GpuThroughputEstimate = Schemas["GpuThroughputEstimate"];
export type PendingReason = Schemas["PendingReason"];
export type Manifests = Schemas["Manifests"];
export type Metrics = Schemas["Metrics"];
export type MetricValue = Schemas["MetricValue"];
export type Logs = Schemas["Logs"];
export type ErrorBody = Schemas["ErrorBody"];
export type VolumeConfig = Schemas["VolumeConfig"];

/** Header the backend sets on a 401 that ends the session (not on relayed upstream 401s). */
export const AUTH_ERROR_HEADER = "X-Airunway-Auth-Error";

/** A failed request: HTTP status (0 when the backend could not be reached) and its body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, message: string, code: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The backend was not reached at all (network error, server down). */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

export interface ClientOptions {
  /** Origin of the backend; "" (the default) means the page's own origin. */
  baseUrl?: string;
  /** The bearer token to send, if any, read on every request. */
  getToken?: () => string | null | undefined;
  /** Called on a 401 with the auth-error header: the token is no longer accepted. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/** Turn any non-2xx response body into an ApiError with the backend's message and code. */
export function toApiError(status: number, body: unknown, statusText = ""): ApiError {
  if (body && typeof body === "object" && "error" in body) {
    const b = body as Partial<ErrorBody> & { error: unknown };
    if (typeof b.error === "string") {
      return new ApiError(status, b.error, b.code ?? `HTTP_${status}`, b.details ?? {});
    }
    if (b.error && typeof b.error === "object" && "message" in b.error) {
      return new ApiError(status, String((b.error as { message: unknown }).message), `HTTP_${status}`);
    }
  }
  const suffix = statusText ? `: ${statusText}` : "";
  return new ApiError(status, `Request failed with status ${status}${suffix}`, `HTTP_${status}`);
}

export function createApiClient(options: ClientOptions = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    fetch: options.fetch,
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.getToken?.();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401 && response.headers.get(AUTH_ERROR_HEADER) === "true") {
        options.onUnauthorized?.();
      }
      return response;
    },
  };
  client.use(auth);
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * Await an openapi-fetch call and return its data, or throw an ApiError; a network failure
 * becomes status 0 so callers can tell "backend unreachable" from an error answer.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "The AI Runway backend cannot be reached.", "UNREACHABLE");
  }
  const { data, error, response } = result;
  if (!response.ok) throw toApiError(response.status, error, response.statusText);
  return data as T;
}
