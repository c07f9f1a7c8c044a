import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../app/router.js';
import { useSession } from '../store/hooks.js';
import { AuthLayout } from './AuthLayout.js';

export function LoginPage() {
  const session = useSession();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!loginId.trim() || !password) {
      setError('Enter your email or username, and your password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await session.login(loginId.trim(), password);
      const next = new URLSearchParams(window.location.search).get('redirect_to');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Log in to your account"
      subtitle="Collaborate with your team in real time: channels, direct messages and calls."
      footer={
        <>
          Don&apos;t have an account? <Link to="/signup_user_complete">Create an account</Link>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 className="auth-card-title">Log in</h2>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
        <label className="field">
          <span>Email or Username</span>
          <input name="loginId" autoComplete="username" autoFocus value={loginId} onChange={(e) => setLoginId(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </AuthLayout>
  );
}
