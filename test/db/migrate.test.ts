import t from 'tap'
import { sql } from 'kysely'
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js'
import { createEmptyTestDb, testDatabaseUrl } from '../helpers/db.js'
import { createPostgresDb } from '../../src/db/index.js'

t.test('migrations apply once and report nothing the second time', async t => {
  const handle = await createEmptyTestDb()
  t.teardown(async () => { await handle.close(); await handle.drop() })
  const first = await migrateToLatest(handle.db)
  t.ok(first.length > 0)
  t.same(await migrateToLatest(handle.db), [])
  const pending = (await createMigrator(handle.db).getMigrations()).filter(m => m.executedAt === undefined)
  t.same(pending, [])
})

t.test('two replicas migrating at once do not race', { skip: testDatabaseUrl() === undefined ? 'needs TEST_DATABASE_URL (two connections)' : false }, async t => {
  const handle = await createEmptyTestDb()
  const other = createPostgresDb(handle.url as string, 2)
  t.teardown(async () => { await other.close(); await handle.close(); await handle.drop() })
  const [a, b] = await Promise.all([migrateToLatest(handle.db), migrateToLatest(other.db)])
  const all = (await createMigrator(handle.db).getMigrations()).map(m => m.name)
  t.same([...a, ...b].sort(), all.sort(), 'every migration applied exactly once, by one of them')
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(handle.db)
  t.equal(rows[0]?.n, all.length)
})
