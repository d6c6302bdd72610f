// Auth, enough for tokens and PERMISSION_DENIED: users with passwords, roles with key-range permissions, enable
// and disable, authenticate → a simple token that slides on use (300 s on the fake's clock), and the checks etcd
// makes on each request (root may do anything; admin RPCs need root).
import { ETCD_ERRORS } from './failure.js';
import { bytes, enumName, field, object, type Json } from './wire.js';

interface Permission {
  readonly type: string;
  readonly key: string;
  readonly end: string;
}

const PERM_TYPES = ['READ', 'WRITE', 'READWRITE'] as const;

export class Auth {
  enabled = false;
  revision = 1;
  private readonly users = new Map<string, { password: string; roles: Set<string> }>();
  private readonly roles = new Map<string, Permission[]>();
  private readonly tokens = new Map<string, { user: string; expires: number }>();
  private counter = 0;

  constructor(
    private readonly clock: () => number,
    /** etcd's `--auth-token-ttl`, in ms. */
    private readonly tokenTtlMs: number,
  ) {}

  /** A restarted etcd forgets its simple tokens (they live in memory only). */
  forgetTokens(): void {
    this.tokens.clear();
  }

  /** The user of a request's token; throws etcd's answers for a missing or bad one. Undefined when auth is off. */
  user(token: string | undefined): string | undefined {
    if (!this.enabled) return undefined;
    if (token === undefined || token === '') throw ETCD_ERRORS.userEmpty();
    const entry = this.tokens.get(token);
    if (!entry || entry.expires <= this.clock() || !this.users.has(entry.user)) throw ETCD_ERRORS.invalidToken();
    entry.expires = this.clock() + this.tokenTtlMs;
    return entry.user;
  }

  /** Throws PERMISSION_DENIED unless `user` may read or write [key, end). */
  allow(user: string | undefined, mode: 'read' | 'write', key: string, end: string): void {
    if (user === undefined || this.isRoot(user)) return;
    const wanted = mode === 'read' ? ['READ', 'READWRITE'] : ['WRITE', 'READWRITE'];
    for (const role of this.users.get(user)?.roles ?? []) {
      for (const p of this.roles.get(role) ?? []) if (wanted.includes(p.type) && covers(p, key, end)) return;
    }
    throw ETCD_ERRORS.permissionDenied();
  }

  requireRoot(user: string | undefined): void {
    if (user !== undefined && !this.isRoot(user)) throw ETCD_ERRORS.permissionDenied();
  }

  private isRoot(user: string): boolean {
    return user === 'root' || (this.users.get(user)?.roles.has('root') ?? false);
  }

  /** The admin RPCs, by route (`/auth/user/add`). */
  handle(route: string, request: Json): Json {
    const name = String(field(request, 'name') ?? '');
    switch (route) {
      case '/auth/enable':
        if (!this.users.has('root')) throw ETCD_ERRORS.rootMissing();
        this.enabled = true;
        break;
      case '/auth/disable':
        this.enabled = false;
        break;
      case '/auth/authenticate': {
        const user = this.users.get(name);
        if (!user || user.password !== String(field(request, 'password') ?? '')) throw ETCD_ERRORS.authFailed();
        const token = `fake${(++this.counter).toString(36)}.${this.revision}`;
        this.tokens.set(token, { user: name, expires: this.clock() + this.tokenTtlMs });
        return { token };
      }
      case '/auth/user/add':
        if (this.users.has(name)) throw ETCD_ERRORS.userExists();
        this.users.set(name, { password: String(field(request, 'password') ?? ''), roles: new Set() });
        break;
      case '/auth/user/changepw': {
        const user = this.users.get(name);
        if (!user) throw ETCD_ERRORS.userMissing();
        user.password = String(field(request, 'password') ?? '');
        // etcd's simple tokens of the user end with its old password.
        for (const [token, entry] of this.tokens) if (entry.user === name) this.tokens.delete(token);
        break;
      }
      case '/auth/user/delete':
        if (!this.users.delete(name)) throw ETCD_ERRORS.userMissing();
        break;
      case '/auth/user/grant': {
        const user = this.users.get(String(field(request, 'user') ?? ''));
        if (!user) throw ETCD_ERRORS.userMissing();
        const role = String(field(request, 'role') ?? '');
        if (role !== 'root' && !this.roles.has(role)) throw ETCD_ERRORS.roleMissing();
        user.roles.add(role);
        break;
      }
      case '/auth/role/add':
        if (this.roles.has(name)) throw ETCD_ERRORS.roleExists();
        this.roles.set(name, []);
        break;
      case '/auth/role/grant': {
        const perms = this.roles.get(name);
        if (!perms) throw ETCD_ERRORS.roleMissing();
        const perm = object(request, 'perm');
        perms.push({
          type: enumName(perm, 'permType', PERM_TYPES),
          key: bytes(perm, 'key'),
          end: bytes(perm, 'range_end'),
        });
        break;
      }
      case '/auth/user/get': {
        const user = this.users.get(name);
        if (!user) throw ETCD_ERRORS.userMissing();
        return { roles: [...user.roles].sort() };
      }
      case '/auth/role/get': {
        const perms = this.roles.get(String(field(request, 'role') ?? ''));
        if (!perms) throw ETCD_ERRORS.roleMissing();
        return { perm: perms.map((p) => ({ permType: p.type, key: btoa(p.key), range_end: btoa(p.end) })) };
      }
      case '/auth/status':
        return { enabled: this.enabled, authRevision: String(this.revision) };
      default:
        return {};
    }
    this.revision++;
    return {};
  }
}

function covers(p: Permission, key: string, end: string): boolean {
  if (p.end === '') return end === '' && key === p.key;
  if (key < p.key) return false;
  if (p.end === '\0') return true;
  return end === '' ? key < p.end : end !== '\0' && end <= p.end;
}
