// A fresh database per test file: a new Postgres database on the local server when
// TEST_DATABASE_URL is set, otherwise an in-memory PGlite. Migrated, and dropped at teardown.
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { createEmbeddedDb, createPostgresDb, type DbHandle } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'

export interface TestDb extends DbHandle {
  /** connection string of the per-file database (Postgres only) */
  url: string | undefined
  drop: () => Promise<void>
}

export const testDatabaseUrl = (): string | undefined => {
  const url = process.env.TEST_DATABASE_URL
  return url === undefined || url === '' ? undefined : url
}

async function onServer<T> (serverUrl: string, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: serverUrl, max: 1 }) }) })
  try { return await fn(db) } finally { await db.destroy() }
}

/** an empty database, not migrated */
export async function createEmptyTestDb (): Promise<TestDb> {
  const serverUrl = testDatabaseUrl()
  if (serverUrl === undefined) {
    const handle = await createEmbeddedDb(undefined)
    return { ...handle, url: undefined, drop: async () => {} }
  }
  const name = `jobsync_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await onServer(serverUrl, db => sql`create database ${sql.id(name)}`.execute(db))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const handle = createPostgresDb(url.toString(), 5)
  return {
    ...handle,
    url: url.toString(),
    drop: async () => {
      await onServer(serverUrl, db => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db))
    }
  }
}

export async function createTestDb (): Promise<TestDb> {
  const handle = await createEmptyTestDb()
  await migrateToLatest(handle.db)
  return handle
}
