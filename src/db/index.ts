// The database handle: Kysely over a pg Pool when DATABASE_URL is set, otherwise an embedded
// Postgres (PGlite) stored under DATA_DIR. Same migrations and SQL for both.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

export interface DbHandle {
  db: Db
  kind: 'postgres' | 'embedded'
  close (): Promise<void>
}

// timestamptz and friends come back as Date already; int8 (counts, sums) as numbers, since
// every count we return fits comfortably in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))
// a date is a calendar day, not an instant: keep 'YYYY-MM-DD' instead of a Date at local midnight
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value)
const PGLITE_PARSERS = { 20: (value: string) => Number(value), 1082: (value: string) => value }

export function createPostgresDb (connectionString: string, poolMax: number): DbHandle {
  // a request waits at most 5 s for a connection, then fails (503) instead of hanging; keep-alive
  // notices a database host that vanished without closing the connection
  const pool = new pg.Pool({ connectionString, max: poolMax, connectionTimeoutMillis: 5_000, keepAlive: true })
  // an idle client losing its connection (server restart) must not crash the process
  pool.on('error', () => {})
  // nor a checked-out one: pg emits 'error' on a client whose connection ends even while a query
  // runs, and pg-pool listens only on idle clients; the query itself still rejects
  pool.on('connect', client => { client.on('error', () => {}) })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { db, kind: 'postgres', close: async () => { await db.destroy() } }
}

/**
 * A directory only this process's user may enter: created 0700, and made so when it exists (it
 * holds the database and the generated keys). Files in it are 0600 by the umask server.ts sets.
 */
export async function ownDirectory (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
}

/** dataDir undefined = in memory (tests) */
export async function createEmbeddedDb (dataDir: string | undefined): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  let pglite
  if (dataDir === undefined) {
    pglite = new PGlite({ parsers: PGLITE_PARSERS })
  } else {
    const dir = path.join(dataDir, 'pgdata')
    await ownDirectory(dataDir)
    await ownDirectory(dir)
    pglite = new PGlite(dir, { parsers: PGLITE_PARSERS })
  }
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return { db, kind: 'embedded', close: async () => { await db.destroy() } }
}

/** the cheapest round trip to the database: resolves when it answers, rejects when it does not */
export async function ping (db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}

export async function createDb (options: { url: string | undefined, poolMax: number, dataDir: string }): Promise<DbHandle> {
  return options.url === undefined
    ? await createEmbeddedDb(options.dataDir)
    : createPostgresDb(options.url, options.poolMax)
}
