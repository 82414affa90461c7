/** Authentication in the UI (spec §16.3): token from `#token=` or pasted, kept in localStorage. */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { tokenStore } from "./api";
import { useSettings } from "./queries";
import { Spinner } from "../components/ui";

interface AuthState {
  loading: boolean;
  enabled: boolean;
  token: string | null;
  username: string | null;
  error: string | null;
  login: (token: string) => void;
  logout: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

/** Take a token from the URL fragment (`airunway login`'s magic link) and drop the fragment. */
export function consumeFragmentToken(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  tokenStore.set(decodeURIComponent(match[1]));
  history.replaceState(null, "", window.location.pathname + window.location.search);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const settings = useSettings();
  const [token, setToken] = useState(() => tokenStore.get());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const changed = () => setToken(tokenStore.get());
    const expired = () => {
      tokenStore.clear();
      setError("Session expired. Please login again.");
    };
    window.addEventListener("auth:changed", changed);
    window.addEventListener("hashchange", consumeFragmentToken);
    window.addEventListener("auth:unauthorized", expired);
    return () => {
      window.removeEventListener("auth:changed", changed);
      window.removeEventListener("hashchange", consumeFragmentToken);
      window.removeEventListener("auth:unauthorized", expired);
    };
  }, []);

  const value: AuthState = {
    loading: settings.isPending,
    enabled: settings.data?.auth.enabled ?? false,
    token,
    username: token ? tokenStore.username() : null,
    error,
    login: (t) => {
      setError(null);
      tokenStore.set(t.trim());
    },
    logout: () => tokenStore.clear(),
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}

/**
 * Renders the page at once, hidden until /api/settings says whether auth is on, so the page's
 * code and data load in parallel with that answer instead of after it.
 */
export function ProtectedRoute({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  if (!auth.loading && auth.enabled && !auth.token) return <Navigate to="/login" replace state={{ from: location }} />;
  return (
    <>
      {auth.loading && (
        <div className="flex min-h-screen items-center justify-center gap-2" role="status">
          <Spinner /> Loading...
        </div>
      )}
      <div hidden={auth.loading}>{children}</div>
    </>
  );
}
