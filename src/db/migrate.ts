// Runs the migrations in migrations/ with Kysely's Migrator. The Migrator takes a Postgres
// advisory lock (pg_advisory_xact_lock) around the run, so replicas starting together queue
// up instead of racing; the second one finds nothing left to do.
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './index.js'

// src/db/ → ../../migrations, both from the sources and from dist/src/db/
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export function createMigrator (db: Db): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR })
  })
}

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export async function migrateToLatest (db: Db): Promise<string[]> {
  const { error, results }: MigrationResultSet = await createMigrator(db).migrateToLatest()
  const failed = results?.find(r => r.status === 'Error')
  if (error !== undefined) {
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  return (results ?? []).filter(r => r.status === 'Success').map(r => r.migrationName)
}
