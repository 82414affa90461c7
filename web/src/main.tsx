/** Entry: providers, the unreachable-backend banner and the code-split routes. */
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import { Component, StrictMode, Suspense, useEffect, useRef, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { Layout } from "./components/Layout";
import { ToastProvider } from "./components/Toast";
import { Alert, Button, Spinner } from "./components/ui";
import { api, ApiError, unwrap } from "./lib/api";
import { AuthProvider, ProtectedRoute, consumeFragmentToken } from "./lib/auth";
import { lazyPage, preloadPages } from "./lib/lazyPage";
import { useUnreachable } from "./lib/reachability";
import "./styles.css";

const ModelsPage = lazyPage(() => import("./pages/ModelsPage"), /^\/$/);
const DeployPage = lazyPage(() => import("./pages/DeployPage"), /^\/deploy\//);
const DeploymentsPage = lazyPage(() => import("./pages/DeploymentsPage"), /^\/deployments\/?$/);
const DeploymentDetailsPage = lazyPage(() => import("./pages/DeploymentDetailsPage"), /^\/deployments\/[^/]+/);
const SettingsPage = lazyPage(() => import("./pages/SettingsPage"), /^\/settings/);
const LoginPage = lazyPage(() => import("./pages/LoginPage"), /^\/login/);

declare global {
  interface Window {
    __E2E_TEST__?: boolean;
  }
}

const e2e = window.__E2E_TEST__ === true;
// Whether the backend answers is tracked per request by the API client (lib/api.ts), so that
// an answer to a request sent before an outage cannot end it; the caches here stay out of it.
const queryClient = new QueryClient({
  defaultOptions: {
    mutations: { networkMode: "always" },
    queries: {
      staleTime: e2e ? 0 : 5_000,
      // The backend is often on localhost: ask it even when the browser thinks it is offline.
      networkMode: "always",
      // 4xx answers are final and an unreachable backend is the banner's job; retry 5xx only.
      retry: (count, err) => !e2e && count < 3 && !(err instanceof ApiError && (err.unreachable || (err.status >= 400 && err.status < 500))),
    },
  },
});

/** Shown while the backend cannot be reached; polls /api/health and refetches on recovery. */
function UnreachableBanner() {
  const down = useUnreachable();
  const client = useQueryClient();
  const wasDown = useRef(false);
  // sent while down, so its answer (like any answer to a request sent since) ends the outage
  useQuery({ queryKey: ["health-probe"], queryFn: () => unwrap(api.GET("/api/health")), enabled: down, refetchInterval: 2_000, retry: false });
  useEffect(() => {
    if (wasDown.current && !down) void client.invalidateQueries();
    wasDown.current = down;
  }, [down, client]);
  if (!down) return null;
  return (
    <div role="alert" className="sticky top-0 z-50 bg-red-700 px-4 py-2 text-center text-sm font-medium text-white">
      The AI Runway backend cannot be reached. Retrying automatically… the page recovers as soon as it answers.
    </div>
  );
}

class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="mx-auto max-w-xl p-8">
        <Alert tone="error" title="Something went wrong">
          {this.state.error.message}
        </Alert>
        <div className="mt-4 flex gap-2">
          <Button onClick={() => (window.location.href = "/")}>Go to Home</Button>
          <Button variant="secondary" onClick={() => window.location.reload()}>
            Refresh Page
          </Button>
        </div>
      </main>
    );
  }
}

function Page({ children }: { children: ReactNode }) {
  return (
    <ProtectedRoute>
      <Layout>
        <Suspense fallback={<Spinner label="Loading..." />}>{children}</Suspense>
      </Layout>
    </ProtectedRoute>
  );
}

consumeFragmentToken();
window.addEventListener("load", preloadPages, { once: true });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <BrowserRouter>
            <AuthProvider>
              <UnreachableBanner />
              <Routes>
                <Route
                  path="/login"
                  element={
                    <Suspense fallback={<Spinner label="Loading..." />}>
                      <LoginPage />
                    </Suspense>
                  }
                />
                <Route path="/" element={<Page><ModelsPage /></Page>} />
                <Route path="/deploy/:modelId" element={<Page><DeployPage /></Page>} />
                <Route path="/deployments" element={<Page><DeploymentsPage /></Page>} />
                <Route path="/deployments/:name" element={<Page><DeploymentDetailsPage /></Page>} />
                <Route path="/settings" element={<Page><SettingsPage /></Page>} />
                <Route path="/installation" element={<Navigate to="/settings?tab=runtimes" replace />} />
              </Routes>
            </AuthProvider>
          </BrowserRouter>
        </ToastProvider>
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);
