import type { Role } from '../api/models';

/** Who is logged in: the API's access token (a JWT) and the claims the console shows. */
export interface Session {
  token: string;
  username: string;
  role: Role;
  /** ms since the epoch */
  expiresAt: number;
}

const KEY = 'patchgate.session';
type Listener = () => void;

function decodeClaims(token: string): { username?: string; role?: Role; exp?: number } {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as { username?: string; role?: Role; exp?: number };
}

function load(): Session | null {
  try {
    const stored = sessionStorage.getItem(KEY);
    if (!stored) return null;
    const parsed = JSON.parse(stored) as Session;
    return parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The login lives in this tab's sessionStorage only (gone when the tab closes, never in a cookie,
 * so no CSRF surface). The claims only shape the console (which actions it shows); the API checks
 * the token and the role on every call.
 */
class SessionStore {
  private value: Session | null = load();
  private listeners = new Set<Listener>();
  /** Why the last session ended, shown on the login form. */
  notice: string | null = null;

  current = (): Session | null => this.value;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(token: string, expiresIn: number): Session {
    const claims = decodeClaims(token);
    const session: Session = {
      token,
      username: claims.username ?? '?',
      role: claims.role ?? 'auditor',
      expiresAt: claims.exp ? claims.exp * 1000 : Date.now() + expiresIn * 1000,
    };
    sessionStorage.setItem(KEY, JSON.stringify(session));
    this.notice = null;
    this.set(session);
    return session;
  }

  clear(notice: string | null = null): void {
    sessionStorage.removeItem(KEY);
    this.notice = notice;
    if (this.value) this.set(null);
  }

  private set(value: Session | null): void {
    this.value = value;
    for (const listener of this.listeners) listener();
  }
}

export const session = new SessionStore();
