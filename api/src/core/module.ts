import type { MigrationObject } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { PgBoss, Queue } from 'pg-boss';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { EventTypeInfo } from './events/envelope.js';
import { IdempotencyKey } from './db/idempotency.entity.js';
import { installIdPrefixes } from './ids.js';

/** The system roles every tenant has. A module says which of them get each of its permissions. */
export const SYSTEM_ROLE_KEYS = ['owner', 'admin', 'developer', 'member', 'viewer', 'billing'] as const;
export type SystemRoleKey = (typeof SYSTEM_ROLE_KEYS)[number];

export interface PermissionInfo {
  description: string;
  /** The system roles granted this permission. */
  grants: readonly SystemRoleKey[];
}

/** What the worker gives a module's jobs: the job runner and the owner's pool (it reads every tenant). */
export interface WorkerContext {
  deps: Deps;
  boss: PgBoss;
  /** Connected as the database owner: bypasses row-level security. Use it only for cross-tenant work. */
  pool: pg.Pool;
  ownerUrl: string;
}

/** A module's running jobs. `relayNow` runs its cross-tenant pass at once (tests and benchmarks). */
export interface ModuleWorker {
  relayNow?(): Promise<void>;
  /** Stops taking work; runs before the job runner stops. */
  stop?(): Promise<void>;
  /** Releases what in-flight jobs used (sockets); runs after the job runner has stopped. */
  close?(): void;
}

/** A router mounted before the JSON body parser, for protocols that are not the JSON API (SCIM, SAML). */
export interface ExtraRouter<S> {
  /** `use` mounts a whole router under the path; `post` one handler chain for POSTs to the path. */
  mount: 'use' | 'post';
  path: string;
  /** Media types a `post` route takes besides JSON (the JSON-only guard lets them through on its path). */
  accepts?: string[];
  handlers: (deps: Deps, services: S) => (RequestHandler | Router)[];
}

/** The transaction that creates the platform on first start (see core/bootstrap.ts). */
export interface BootContext {
  platformTenantId: string;
  /** Every permission in the catalogue (the root key holds them all). */
  permissions: Record<string, string>;
  /** True on the very first start: the platform tenant does not exist yet. */
  created: boolean;
  config: Pick<Config, 'secret' | 'rootKey'>;
  log: Logger;
}

/**
 * A module's manifest. Each field is something the kernel used to learn from a central file: the
 * registry assembles them, so adding a domain is a folder plus one line in `modules/index.ts`.
 */
export interface ModuleDefinition<Name extends string, Services extends object, Ports extends object> {
  name: Name;
  /** Id kinds and their prefixes (`customer: 'cus'`), unique across modules. */
  ids?: Record<string, string>;
  /** `resource:action` permissions this module checks, with the system roles that hold each. */
  permissions?: Record<string, PermissionInfo>;
  /** OpenAPI tags of its operations, with their descriptions, in the order the reference shows them. */
  tags?: { name: string; description: string }[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: Function[];
  migrations?: MigrationObject[];
  /** Tables holding tenant data (a `tenant_id` column under row-level security). */
  tenantTables?: string[];
  /** Tables with a `tenant_id` that row-level security cannot cover yet, each with the reason (the RLS test reads these). */
  rlsExempt?: Record<string, string>;
  events?: Record<string, EventTypeInfo>;
  /** The service names of other modules whose ports this module's factory takes. */
  needs?: readonly string[];
  /**
   * Ports read only when a use case runs, bound after every module is built: for a dependency that
   * points back (roles asks members who holds a role, and members needs roles to be built).
   */
  late?: readonly string[];
  services?: (deps: Deps, ports: Ports) => Services;
  routers?: ExtraRouter<Services & Ports>[];
  /** Job queues the worker creates (with their pg-boss options) before any module starts working. */
  queues?: (config: Config) => Record<string, Omit<Queue, 'name'>>;
  worker?: (ctx: WorkerContext) => Promise<ModuleWorker>;
  /** Deletes what has outlived its retention; returns counts by kind for the log. */
  retention?: (pool: pg.Pool, config: Config) => Promise<Record<string, number>>;
  /** Runs once per start in the platform tenant's transaction (advisory-locked across processes). */
  bootstrap?: (em: EntityManager, boot: BootContext) => Promise<{ generatedRootKey?: string } | void>;
  /** Hooks later domains fill: each module answers for its own data. */
  gdpr?: {
    export?: (em: EntityManager, userId: string) => Promise<Record<string, unknown>>;
    erase?: (em: EntityManager, userId: string) => Promise<void>;
  };
  sandbox?: { clone?: (em: EntityManager, from: string, to: string) => Promise<void> };
  metering?: Record<string, { description: string }>;
}

// Ports are contravariant: a module that needs `{ roles }` is still a module. The registry checks them at start.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDefinition<string, any, any>;

/** Declares a module. The identity function keeps the literal types the registry derives from. */
export function defineModule<Name extends string, Services extends object = object, Ports extends object = object>(
  definition: ModuleDefinition<Name, Services, Ports>,
): ModuleDefinition<Name, Services, Ports> {
  return definition;
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every module's services in one object: what controllers and routers receive. */
export type ServicesOf<M extends readonly AnyModule[]> = UnionToIntersection<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  { [K in keyof M]: M[K] extends ModuleDefinition<string, infer S, any> ? S : never }[number]
>;

export interface Registry {
  modules: readonly AnyModule[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  migrations: MigrationObject[];
  /** Permission id -> description, in module order (what `GET /v1/permissions` lists). */
  permissions: Record<string, string>;
  /** System role key -> its permissions, in catalogue order. */
  grants: Record<SystemRoleKey, string[]>;
  events: Record<string, EventTypeInfo>;
  eventTypes: string[];
  ids: Record<string, string>;
  tenantTables: string[];
  rlsExempt: Record<string, string>;
  tags: { name: string; description: string }[];
  /** Builds every module's services, each after the modules whose ports it needs. */
  createServices(deps: Deps): Record<string, unknown>;
}

function unique<T>(what: string, entries: [key: string, value: T, owner: string][]): Record<string, T> {
  const out: Record<string, T> = {};
  const owner: Record<string, string> = {};
  for (const [key, value, module] of entries) {
    if (Object.hasOwn(out, key)) throw new Error(`${what} '${key}' is declared by both ${owner[key]} and ${module}`);
    out[key] = value;
    owner[key] = module;
  }
  return out;
}

/** Ids the kernel itself issues (the outbox and the audit chain, the tenant it authenticates into). */
export const KERNEL_IDS: Record<string, string> = { tenant: 'ten', event: 'evt', auditLog: 'aud' };

/** Tables the kernel owns: idempotency keys per tenant, and the jobs the outbox hands to the runner. */
export const KERNEL_TABLES = ['idempotency_keys', 'job_outbox'];

type Entry<T> = [key: string, value: T, owner: string];

function entriesOf<T>(modules: readonly AnyModule[], pick: (m: AnyModule) => Record<string, T> | undefined): Entry<T>[] {
  return modules.flatMap((m) => Object.entries(pick(m) ?? {}).map(([k, v]): Entry<T> => [k, v, m.name]));
}

function permissionCatalogue(modules: readonly AnyModule[]) {
  const info = unique(
    'permission',
    entriesOf(modules, (m) => m.permissions),
  );
  const permissions = Object.fromEntries(Object.entries(info).map(([k, v]) => [k, v.description]));
  const grants = Object.fromEntries(SYSTEM_ROLE_KEYS.map((role) => [role, Object.keys(info).filter((p) => info[p]!.grants.includes(role))])) as Record<
    SystemRoleKey,
    string[]
  >;
  return { permissions, grants };
}

function idCatalogue(modules: readonly AnyModule[]): Record<string, string> {
  const kernel = Object.entries(KERNEL_IDS).map(([k, v]): Entry<string> => [k, v, 'core']);
  const ids = unique('id kind', [...kernel, ...entriesOf(modules, (m) => m.ids)]);
  unique(
    'id prefix',
    Object.entries(ids).map(([kind, prefix]): Entry<string> => [prefix, kind, kind]),
  );
  return ids;
}

function tableCatalogue(modules: readonly AnyModule[]) {
  const tenantTables = modules.flatMap((m) => m.tenantTables ?? []);
  const rlsExempt = unique(
    'RLS-exempt table',
    entriesOf(modules, (m) => m.rlsExempt),
  );
  unique(
    'table',
    [...KERNEL_TABLES, ...tenantTables, ...Object.keys(rlsExempt)].map((t): Entry<true> => [t, true, t]),
  );
  return { tenantTables, rlsExempt };
}

/** Builds each module's services once the ports it needs exist; late ports are checked at the end. */
function buildServices(modules: readonly AnyModule[], deps: Deps): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  const missing = (names: readonly string[] = []) => names.filter((n) => !Object.hasOwn(services, n));
  const pending = [...modules];
  while (pending.length) {
    const ready = pending.findIndex((m) => missing(m.needs).length === 0);
    if (ready < 0) throw new Error(`module ports cannot be satisfied: ${pending.map((m) => `${m.name} needs ${missing(m.needs).join(', ')}`).join('; ')}`);
    const [m] = pending.splice(ready, 1);
    for (const [key, value] of Object.entries(m!.services?.(deps, services) ?? {})) {
      if (Object.hasOwn(services, key)) throw new Error(`service '${key}' of module ${m!.name} is already provided`);
      services[key] = value;
    }
  }
  const unbound = modules.flatMap((m) => missing(m.late).map((n) => `${m.name} needs ${n}`));
  if (unbound.length) throw new Error(`late module ports are not provided: ${unbound.join('; ')}`);
  return services;
}

/** Assembles the registry from the module list, refusing duplicates and missing ports. */
export function createRegistry(modules: readonly AnyModule[]): Registry {
  unique(
    'module',
    modules.map((m): Entry<true> => [m.name, true, m.name]),
  );
  const events = unique(
    'event type',
    entriesOf(modules, (m) => m.events),
  );
  const ids = idCatalogue(modules);
  installIdPrefixes(ids);
  const migrations = modules.flatMap((m) => m.migrations ?? []).sort((a, b) => a.name.localeCompare(b.name));
  unique(
    'migration',
    migrations.map((mig): Entry<true> => [mig.name, true, mig.name]),
  );
  return {
    modules,
    // The kernel's own table (idempotency keys) and every module's.
    entities: [IdempotencyKey, ...modules.flatMap((m) => m.entities ?? [])],
    migrations,
    ...permissionCatalogue(modules),
    events,
    eventTypes: Object.keys(events).sort(),
    ids,
    ...tableCatalogue(modules),
    tags: modules.flatMap((m) => m.tags ?? []),
    createServices: (deps) => buildServices(modules, deps),
  };
}
