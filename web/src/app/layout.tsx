// The frame around every signed-in page: navigation, theme switch, the user
// menu and a skip link for keyboard users.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, NavLink, Outlet, useNavigate } from "react-router-dom";
import { describeError } from "../api/client";
import { logOut } from "../features/auth/api/session";
import { OrganizationSwitcher } from "../features/organizations/components/organization-switcher";
import type { CurrentUser } from "../features/auth/api/session";
import { applyTheme, storedTheme, type ThemeChoice } from "./theme";

export function Layout({ user }: { user: CurrentUser }) {
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  function chooseTheme(choice: ThemeChoice) {
    setTheme(choice);
    applyTheme(choice);
  }

  async function signOut() {
    try {
      await logOut();
      queryClient.clear();
      navigate("/login", { replace: true });
    } catch (caught) {
      setError(describeError(caught, "log out"));
    }
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/projects" className="brand" aria-label="Tally home">
          <img src="/favicon.svg" alt="" width={22} height={22} /> Tally
        </Link>
        <nav aria-label="Main">
          <NavLink to="/projects">Projects</NavLink>
          <NavLink to="/members">Members</NavLink>
          <NavLink to="/account">Account</NavLink>
          <a href="/api/docs">API</a>
        </nav>
        <div className="topbar-end">
          <OrganizationSwitcher activeId={user.active_organization} />
          <label className="theme-select">
            <span className="visually-hidden">Theme</span>
            <select value={theme} onChange={(e) => chooseTheme(e.target.value as ThemeChoice)} aria-label="Theme">
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <span className="user-email" title="Signed in as">
            {user.email}
          </span>
          <button type="button" onClick={signOut}>
            Log out
          </button>
        </div>
      </header>
      {error && (
        <p className="banner-error" role="alert">
          {error}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
