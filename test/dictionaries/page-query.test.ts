// The repo's page of a stored catalogue: the copy comes back with its page in one statement, also
// when the page is empty, and only the copy of the key asked for (board-wide or one account's).
import t from 'tap'
import { createTestDb } from '../helpers/db.js'
import * as repo from '../../src/modules/dictionaries/repo.js'
import { searchName } from '../../src/modules/dictionaries/search-name.js'
import type { CopyKey } from '../../src/modules/dictionaries/repo.js'
import type { Database } from '../../src/db/schema.js'
import type { Kysely } from 'kysely'

const board: CopyKey = { board: 'sandbox', name: 'cities', integrationId: null }
const items = [
  { id: 'kyiv', name: 'Київ', parentId: null },
  { id: 'kyivska', name: 'Київська область', parentId: null },
  { id: 'bucha', name: 'Буча', parentId: 'kyivska' },
  { id: 'lviv', name: 'Львів', parentId: null }
]

/** the statements a piece of work sends, counted by the executor's log */
async function statements (db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<unknown>): Promise<number> {
  let n = 0
  const counting = db.withPlugin({ transformQuery: args => { n++; return args.node }, transformResult: async args => args.result })
  await work(counting)
  return n
}

t.test('a page and its copy, in one statement, with or without items', async t => {
  const testDb = await createTestDb()
  t.teardown(async () => { await testDb.close(); await testDb.drop() })
  const { db } = testDb
  const at = new Date('2026-12-01T10:00:00.000Z')
  const stored = await repo.storeVersion(db, board, items, { etag: '"v1"', lastModified: null }, at)
  const age = { id: stored.id, fetched_at: at, checked_at: at }

  const found = await repo.pageOf(db, board, { q: searchName('київ'), limit: 10 })
  t.same(found.items.map(i => [i.id, i.rank]), [['kyiv', 0], ['kyivska', 1]], 'the whole name, then its start')
  t.same(found.copy, age, 'the copy\'s id and age')

  const none = await repo.pageOf(db, board, { q: searchName('zzz'), limit: 10 })
  t.same(none.items, [], 'nothing matches')
  t.same(none.copy, age, 'the copy all the same: its age is known without asking again')

  t.same((await repo.pageOf(db, board, { parentId: 'kyivska', limit: 10 })).items.map(i => i.id), ['bucha'], 'the children of an item')
  t.same((await repo.pageOf(db, board, { parentId: '', limit: 2 })).items.map(i => i.id), ['kyiv', 'kyivska'], 'the top level, in the board\'s order, up to the limit')
  const after = await repo.pageOf(db, board, { parentId: '', after: { rank: 0, position: 1 }, limit: 10 })
  t.same(after.items.map(i => i.id), ['lviv'], 'after a cursor')

  t.equal(await statements(db, async counting => await repo.pageOf(counting, board, { q: searchName('zzz'), limit: 10 })), 1, 'an empty page is one statement')
  t.equal(await statements(db, async counting => await repo.pageOf(counting, board, { q: searchName('київ'), limit: 10 })), 1, 'so is a full one')
})

t.test('no copy of the key: nothing, not another key\'s copy', async t => {
  const testDb = await createTestDb()
  t.teardown(async () => { await testDb.close(); await testDb.drop() })
  const { db } = testDb
  await repo.storeVersion(db, board, items, { etag: null, lastModified: null }, new Date())

  const other = await repo.pageOf(db, { board: 'sandbox', name: 'categories', integrationId: null }, { limit: 10 })
  t.same(other, { copy: undefined, items: [] }, 'another catalogue of the board')
  const account = await repo.pageOf(db, { ...board, integrationId: '00000000-0000-4000-8000-000000000000' }, { limit: 10 })
  t.same(account, { copy: undefined, items: [] }, 'an account\'s own copy under the same name')
})
