// What every benchmark needs: a database of its own on the local Postgres (created, migrated,
// dropped), the fake board in a child process, the service built the way server.ts builds it, and
// rows seeded straight into the tables (a benchmark measures the sync and the reads, not the
// publishing flow that normally makes those rows).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { createPostgresDb, type DbHandle, type Db } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { loggerOptions } from '../../src/logging.js'
import { createSecretBox } from '../../src/crypto/secrets.js'
import { generateApiKey } from '../../src/crypto/api-keys.js'

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdefghijklmnop'
export const SECRETS_KEY = 'bench:' + Buffer.alloc(32, 9).toString('base64')
/** shrinks every benchmark's data for a quick run: BENCH_SCALE=0.1 */
export const SCALE = Number(process.env.BENCH_SCALE ?? '1')
export const scaled = (n: number, min = 1): number => Math.max(min, Math.round(n * SCALE))
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function onServer<T> (fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: SERVER_URL, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

export const databaseUrl = (name: string): string => {
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** a fresh, migrated database named `jobsync_bench_<what>` (an older one of that name is dropped first) */
export async function createBenchDb (what: string): Promise<{ name: string, url: string }> {
  const name = `jobsync_bench_${what}`
  await dropBenchDb(name)
  await onServer(db => sql`create database ${sql.id(name)}`.execute(db))
  const handle = createPostgresDb(databaseUrl(name), 2)
  try { await migrateToLatest(handle.db) } finally { await handle.close() }
  return { name, url: databaseUrl(name) }
}

export async function dropBenchDb (name: string): Promise<void> {
  if (!name.startsWith('jobsync_bench_')) throw new Error(`not a benchmark database: ${name}`)
  await onServer(db => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db))
}

/**
 * The V8 flags `npm start` and the Dockerfile run the service with (package.json): a young generation
 * of 32 MB semi-spaces instead of 16, since a feed page is ~85 KB of strings. Every benchmark process
 * gets them, the bare sides as much as the service.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32']

/** node's flags for a benchmark process: the service's, plus a CPU profile into bench/profiles when BENCH_CPU_PROF=1 */
export function benchNodeFlags (): string[] {
  const profile = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(new URL('../profiles/', import.meta.url))}`] : []
  return [...SERVICE_NODE_FLAGS, ...profile, '--expose-gc']
}

/** `node --import tsx <file>` with env; resolves once the child printed its first JSON line */
export async function spawnTs (file: string, env: Record<string, string>, args: string[] = []): Promise<{ child: ChildProcess, hello: any, lines: AsyncIterableIterator<string> }> {
  const child = spawn(process.execPath, [...benchNodeFlags(), '--import', 'tsx', fileURLToPath(new URL(file, new URL('../', import.meta.url))), ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc']
  })
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.done === true) throw new Error(`${file} exited before it said hello`)
  return { child, hello: JSON.parse(first.value), lines }
}

export async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

export interface FakeBoard { url: string, child: ChildProcess, close: () => Promise<void> }

export async function startFakeBoard (options: { perJob: number, latencyMs: number }): Promise<FakeBoard> {
  const { child, hello } = await spawnTs('lib/fake-board.ts', { FAKE_PER_JOB: String(options.perJob), FAKE_LATENCY_MS: String(options.latencyMs) })
  return { url: `http://127.0.0.1:${hello.port as number}/api/v2`, child, close: async () => { await stopChild(child) } }
}

export function serviceConfig (dbUrl: string | undefined, env: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    ...(dbUrl === undefined ? {} : { DATABASE_URL: dbUrl }),
    ...env
  })
}

/** the service as server.ts wires it (minus listen and cron, which each benchmark decides) */
export async function startService (config: Config): Promise<{ app: FastifyInstance, handle: DbHandle }> {
  const handle = createPostgresDb(config.database.url ?? '', config.database.poolMax)
  const app = await buildApp({ config, db: handle.db, secrets: createSecretBox(SECRETS_KEY), logger: pino(loggerOptions(config.logLevel)) })
  app.addHook('onClose', async () => { await handle.close() })
  await app.ready()
  return { app, handle }
}

export interface Seeded { tenantIds: string[], tenantKeys: string[], publicationIds: string[] }

/**
 * `tenants` tenants with one Djinni account each and `jobsPerTenant` published publications per
 * account, Djinni job ids counting from `firstJob`; due now unless `due` is false.
 */
export async function seedDjinni (db: Db, options: { tenants: number, jobsPerTenant: number, firstJob: number, due?: boolean, keys?: boolean }): Promise<Seeded> {
  const secrets = createSecretBox(SECRETS_KEY)
  const tenantIds: string[] = []
  const tenantKeys: string[] = []
  const publicationIds: string[] = []
  const due = options.due ?? true
  for (let from = 0; from < options.tenants; from += 500) {
    const count = Math.min(500, options.tenants - from)
    const tenants = await db.insertInto('tenants').values(Array.from({ length: count }, (_, i) => ({ name: `bench tenant ${from + i}` }))).returning('id').execute()
    if (options.keys === true) {
      const keys = tenants.map(() => generateApiKey())
      await db.insertInto('api_keys').values(tenants.map((t, i) => ({ tenant_id: t.id, role: 'tenant' as const, name: 'bench', prefix: keys[i]!.prefix, key_hash: keys[i]!.hash }))).execute()
      tenantKeys.push(...keys.map(k => k.key))
    }
    const integrations = await db.insertInto('integrations').values(tenants.map((t, i) => {
      const sealed = secrets.seal({ keyName: 'bench', apiKey: `bench-key-${from + i}` })
      return {
        tenant_id: t.id, board: 'djinni', name: 'Djinni', status: 'active' as const, credentials: sealed.data, credentials_key_id: sealed.keyId,
        credentials_public: JSON.stringify({ keyName: 'bench' }), account_external_id: `bench-${from + i}`, account_name: 'Bench', account_email: null
      }
    })).returning(['id', 'tenant_id']).execute()
    tenantIds.push(...tenants.map(t => t.id))
    const { rows } = await sql<{ id: string }>`
      with t as (select * from unnest(${integrations.map(i => i.tenant_id)}::uuid[], ${integrations.map(i => i.id)}::uuid[]) with ordinality as u(tenant_id, integration_id, k)),
      j as (
        insert into jobs (tenant_id, host_job_id, title, description)
        select t.tenant_id, 'bench-' || (${options.firstJob}::bigint + (${from}::bigint + t.k - 1) * ${options.jobsPerTenant} + g), 'Senior Node.js engineer', '<p>Bench</p>'
        from t, generate_series(0, ${options.jobsPerTenant - 1}) g
        returning id, tenant_id, host_job_id
      )
      insert into publications (tenant_id, job_id, integration_id, board, status, posting_state, posting_external_id, fields, publication_type, first_published_at, next_sync_at, next_sync_trigger)
      select j.tenant_id, j.id, t.integration_id, 'djinni', 'published', 'live', substr(j.host_job_id, 7), '{}'::jsonb, 'standard', now(),
        ${due ? sql`now() - interval '1 second'` : sql`now() + interval '1 day'`}, 'activation'
      from j join t on t.tenant_id = j.tenant_id
      returning id`.execute(db)
    publicationIds.push(...rows.map(r => r.id))
  }
  return { tenantIds, tenantKeys, publicationIds }
}

/** peak resident set size while `during` runs, sampled every `everyMs` */
export function rssSampler (everyMs = 20): { stop: () => { peak: number, samples: number } } {
  let peak = process.memoryUsage.rss()
  let samples = 1
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); samples++ }, everyMs)
  return { stop: () => { clearInterval(timer); peak = Math.max(peak, process.memoryUsage.rss()); return { peak, samples: samples + 1 } } }
}

export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

export const MB = 1024 * 1024

/** one benchmark's result, printed as the last line of its process */
export function report (result: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(result) + '\n')
}
