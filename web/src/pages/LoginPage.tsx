/** Login when auth is on (spec §16.3): `airunway login` opens this page with the token. */
import { useState } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { Alert, Button } from "../components/ui";
import { useAuth } from "../lib/auth";

export default function LoginPage() {
  const auth = useAuth();
  const location = useLocation();
  const [pasting, setPasting] = useState(false);
  const [token, setToken] = useState("");
  const from = (location.state as { from?: { pathname: string; search: string } } | null)?.from;
  if (!auth.loading && (!auth.enabled || auth.token)) {
    return <Navigate to={from ? from.pathname + from.search : "/"} replace />;
  }
  const submit = () => {
    if (token.trim()) auth.login(token);
  };
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow dark:border-slate-700 dark:bg-slate-900">
        <h1 className="text-center text-2xl font-bold">AIRunway</h1>
        <p className="mt-1 text-center text-slate-600 dark:text-slate-300">Authentication Required</p>
        {auth.error && (
          <div className="mt-4">
            <Alert tone="error">{auth.error}</Alert>
          </div>
        )}
        <div className="mt-4 text-sm">
          <p>Run this command in your terminal:</p>
          <pre className="mt-2 rounded bg-slate-100 p-2 dark:bg-slate-800">
            <code>airunway login</code>
          </pre>
          <p className="mt-2 text-slate-600 dark:text-slate-300">This will extract your credentials and open this page automatically.</p>
        </div>
        <div className="my-4 flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
          <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
          or
          <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
        </div>
        {pasting ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
            className="flex flex-col gap-2"
          >
            <label htmlFor="token" className="text-sm font-medium">
              Paste Token Manually
            </label>
            <input id="token" type="password" autoComplete="off" placeholder="eyJhbG..." value={token} onChange={(e) => setToken(e.target.value)} />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setPasting(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!token.trim()}>
                Login
              </Button>
            </div>
          </form>
        ) : (
          <div className="flex justify-center gap-2">
            <Button variant="secondary" onClick={() => window.location.reload()}>
              Check Again
            </Button>
            <Button onClick={() => setPasting(true)}>Paste Token</Button>
          </div>
        )}
        <p className="mt-4 text-center text-xs">
          <a className="text-cyan-800 underline dark:text-cyan-300" href="https://github.com/ai-runway/airunway#authentication">
            How authentication works
          </a>
        </p>
      </div>
    </main>
  );
}
