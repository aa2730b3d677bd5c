import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useLocation, useNavigate } from "react-router-dom";
import { ApiError, describeError } from "../../../api/client";
import { logIn } from "../api/session";
import { currentUserKey } from "../hooks/use-current-user";

export function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/projects";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logIn(email, password);
      await queryClient.invalidateQueries({ queryKey: currentUserKey });
      navigate(from, { replace: true });
    } catch (caught) {
      // The server rejects a wrong email or password with 400 or 401.
      if (caught instanceof ApiError && (caught.code === "invalid" || caught.code === "unauthorized")) {
        setError("The email or password is not right. Check both and try again.");
      } else {
        setError(describeError(caught, "log in"));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Log in to Tally</h1>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <p className="hint">
          No account yet? An administrator creates one with <code>tally user create</code>.
        </p>
      </form>
    </main>
  );
}
