// `npm run migrate`: apply pending migrations to the configured database and exit.
import { ConfigError, loadConfig } from '../src/config.js'
import { createDb } from '../src/db/index.js'
import { migrateToLatest } from '../src/db/migrate.js'

try {
  const config = loadConfig(process.env)
  const handle = await createDb({ url: config.database.url, poolMax: 2, dataDir: config.dataDir })
  try {
    const applied = await migrateToLatest(handle.db)
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database schema up to date\n')
  } finally {
    await handle.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? '' : 'migration failed: '}${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
