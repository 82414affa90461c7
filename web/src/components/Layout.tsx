/** The shell of every protected page: sidebar, header with breadcrumbs and status, banner. */
import { useState, type ReactNode } from "react";
import { Link, NavLink, useLocation } from "react-router-dom";
import { useAuth } from "../lib/auth";
import { useClusterStatus } from "../lib/queries";
import { Badge, cx } from "./ui";

const NAV = [
  { to: "/", label: "Models" },
  { to: "/deployments", label: "Deployments" },
  { to: "/settings", label: "Settings" },
];

function Breadcrumbs() {
  const { pathname } = useLocation();
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let crumbs: string[];
  if (parts[0] === "deploy") crumbs = ["Models", "Deploy", parts.slice(1).join("/")];
  else if (parts[0] === "deployments") crumbs = ["Deployments", ...parts.slice(1)];
  else if (parts[0] === "settings") crumbs = ["Settings"];
  else crumbs = ["Models"];
  return (
    <nav aria-label="Breadcrumb">
      <ol className="flex items-center gap-1 text-sm text-slate-600 dark:text-slate-300">
        {crumbs.map((c, i) => (
          <li key={`${c}-${i}`} className="flex items-center gap-1">
            {i > 0 && <span aria-hidden>›</span>}
            <span className={i === crumbs.length - 1 ? "font-medium text-slate-900 dark:text-slate-100" : undefined}>{c}</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function ThemeToggle() {
  const [dark, setDark] = useState(() => document.documentElement.classList.contains("dark"));
  const toggle = () => {
    const next = !dark;
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("airunway_theme", next ? "dark" : "light");
    setDark(next);
  };
  return (
    <button
      type="button"
      onClick={toggle}
      aria-label={dark ? "Switch to light theme" : "Switch to dark theme"}
      className="rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      {dark ? "☀ Light" : "☾ Dark"}
    </button>
  );
}

export function ConnectionBadge() {
  const status = useClusterStatus();
  if (status.isPending) return <Badge tone="amber">Connecting...</Badge>;
  if (status.data?.connected) return <Badge tone="green">Connected</Badge>;
  return <Badge tone="red">Disconnected</Badge>;
}

export function Layout({ children }: { children: ReactNode }) {
  const status = useClusterStatus();
  const auth = useAuth();
  const [menu, setMenu] = useState(false);
  return (
    <div className="min-h-screen md:flex">
      <aside
        className={cx(
          "border-slate-200 bg-slate-50 md:sticky md:top-0 md:flex md:h-screen md:w-60 md:flex-col md:border-r dark:border-slate-800 dark:bg-slate-950",
          menu ? "block" : "hidden md:flex",
        )}
      >
        <Link to="/" className="flex items-center gap-2 px-4 py-4 text-lg font-bold">
          <span aria-hidden className="inline-block h-6 w-6 rounded bg-gradient-to-br from-cyan-500 to-blue-700" />
          AI Runway
        </Link>
        <nav aria-label="Main" className="flex flex-col gap-1 px-2">
          {NAV.map((n) => (
            <NavLink
              key={n.to}
              to={n.to}
              end={n.to === "/"}
              onClick={() => setMenu(false)}
              className={({ isActive }) =>
                cx(
                  "rounded-md px-3 py-2 text-sm font-medium",
                  isActive
                    ? "bg-cyan-100 text-cyan-950 dark:bg-cyan-900/60 dark:text-cyan-50"
                    : "text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800",
                )
              }
            >
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="mt-auto px-4 py-4 text-xs text-slate-600 dark:text-slate-400">
          <span
            aria-hidden
            className={cx(
              "mr-2 inline-block h-2 w-2 rounded-full",
              status.isPending ? "animate-pulse bg-amber-500" : status.data?.connected ? "bg-green-500" : "bg-red-500",
            )}
          />
          {status.isPending ? "Connecting…" : status.data?.connected ? "Connected" : "Disconnected"}
        </div>
      </aside>
      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white/90 px-4 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
          <div className="flex items-center gap-3">
            <button
              type="button"
              className="rounded-md px-2 py-1 text-sm md:hidden"
              aria-label="Toggle navigation"
              aria-expanded={menu}
              onClick={() => setMenu(!menu)}
            >
              ☰
            </button>
            <Breadcrumbs />
          </div>
          <div className="flex items-center gap-2">
            <ConnectionBadge />
            {status.data?.clusterName && <Badge tone="cyan">{status.data.clusterName}</Badge>}
            {auth.enabled && auth.token && (
              <button type="button" className="rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800" onClick={auth.logout}>
                Log out {auth.username ? `(${auth.username})` : ""}
              </button>
            )}
            <ThemeToggle />
          </div>
        </header>
        <main className="mx-auto max-w-[1400px] p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
