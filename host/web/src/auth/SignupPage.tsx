import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../app/router.js';
import { useSession } from '../store/hooks.js';
import { AuthLayout } from './AuthLayout.js';

// The same rules as Mattermost's defaults, checked here so the user gets the message before a round trip.
const USERNAME_RE = /^[a-z][a-z0-9._-]{2,21}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateSignup(email: string, username: string, password: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!EMAIL_RE.test(email)) errors.email = 'Enter a valid email address.';
  if (!USERNAME_RE.test(username)) {
    errors.username = 'Usernames have 3–22 characters: lowercase letters, numbers and . - _, starting with a letter.';
  }
  if (password.length < 8) errors.password = 'Passwords need at least 8 characters.';
  return errors;
}

export function SignupPage() {
  const session = useSession();
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateSignup(email.trim(), username.trim(), password);
    setErrors(found);
    setServerError('');
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await session.signup(email.trim(), username.trim(), password);
      navigate('/', { replace: true });
    } catch (err) {
      setServerError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Let's get started"
      subtitle="Create your account and start talking with your team."
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 className="auth-card-title">Create your account</h2>
        {serverError && (
          <div className="form-error" role="alert">
            {serverError}
          </div>
        )}
        <label className={`field${errors.email ? ' has-error' : ''}`}>
          <span>Email address</span>
          <input name="email" type="email" autoComplete="email" autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          {errors.email && <small className="field-error">{errors.email}</small>}
        </label>
        <label className={`field${errors.username ? ' has-error' : ''}`}>
          <span>Username</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value.toLowerCase())} />
          {errors.username ? (
            <small className="field-error">{errors.username}</small>
          ) : (
            <small className="field-help">You can use lowercase letters, numbers, periods, dashes, and underscores.</small>
          )}
        </label>
        <label className={`field${errors.password ? ' has-error' : ''}`}>
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {errors.password && <small className="field-error">{errors.password}</small>}
        </label>
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
