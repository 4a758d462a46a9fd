// How stored catalogues are fetched, served and refreshed: first use through the asking account,
// the stored copy served while a refresh runs in the background (never waited for), conditional
// refreshes, a board that is down, account-scope catalogues, and the scheduled refresh. Board-wide
// catalogues are shared by everything on a database: each test starts without any (they run one
// after the other).
import t from 'tap'
import { BoardError } from '../../src/boards/errors.js'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { controlledSandbox, type ControlledSandbox } from '../helpers/dictionary-boards.js'
import { tenantCaller, type Call } from '../helpers/publishing.js'

const down = () => new BoardError({ board: 'sandbox', kind: 'unavailable', detail: 'the sandbox is down', boardStatus: 503 })
const revoked = () => new BoardError({ board: 'sandbox', kind: 'invalid_credentials', detail: 'the key was revoked', boardStatus: 401 })

async function setup (t: Parameters<typeof build>[0], board: 'sandbox' | 'workua' = 'sandbox'): Promise<{ app: TestApp, call: Call, control: ControlledSandbox, integrationId: string }> {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards })
  await app.db.deleteFrom('dictionary_copies').execute()
  const call = await tenantCaller(app)
  const res = await call('POST', '/v1/integrations', { board, name: `dictionaries ${Math.random()}`, credentials: { accountName: `acct-${Math.random()}` } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { app, call, control, integrationId: res.json().id }
}

/** makes the stored copy `days` old, as if the board was last asked then; returns then */
async function age (app: TestApp, name: string, days: number): Promise<Date> {
  const then = new Date(Date.now() - days * 86_400_000)
  await app.db.updateTable('dictionary_copies').set({ checked_at: then, fetched_at: then }).where('name', '=', name).execute()
  return then
}

const copyOf = async (app: TestApp, name: string) => await app.db.selectFrom('dictionary_copies').selectAll().where('name', '=', name).where('integration_id', 'is', null).executeTakeFirstOrThrow()

t.test('first use fetches through the asking account and stores; later uses are served from Postgres', async t => {
  const { app, call, control, integrationId } = await setup(t)
  const url = `/v1/integrations/${integrationId}/dictionaries/cities?q=львів`
  t.equal((await call('GET', url)).json().items[0].id, 'lviv')
  t.same(control.fetches, [{ board: 'sandbox', name: 'cities', stored: null, integration: integrationId }], 'fetched once, through this integration, unconditionally')
  for (let i = 0; i < 3; i++) t.equal((await call('GET', url)).statusCode, 200)
  await app.app.dictionaryRefresh.tick()
  t.equal(control.fetches.filter(f => f.name === 'cities').length, 1, 'a fresh copy is not asked for again, by requests or the schedule')
})

t.test('a copy due a refresh is served at once and refreshed in the background, conditionally', async t => {
  const { app, call, control, integrationId } = await setup(t)
  const url = `/v1/integrations/${integrationId}/dictionaries/cities?q=львів`
  await call('GET', url)
  const first = await copyOf(app, 'cities')
  const then = await age(app, 'cities', 2)

  // the board takes its time: the request does not wait for it
  let release: () => void = () => {}
  control.hold = new Promise(resolve => { release = resolve })
  const served = await call('GET', url)
  t.equal(served.statusCode, 200)
  t.equal(served.json().items[0].id, 'lviv', 'served from the stored copy while the board is being asked')
  t.ok(Number(served.headers.age) >= 2 * 86_400 - 5, `Age ${served.headers.age as string} s: the copy is two days old`)
  await control.fetched(2)
  t.equal(control.fetches.length, 2, 'a refresh started')
  t.same(control.fetches[1]?.stored, { etag: first.etag, lastModified: null }, 'with the stored validators')
  t.equal((await call('GET', url)).statusCode, 200, 'a second request meanwhile starts no second refresh')
  t.equal(control.fetches.length, 2)
  release()
  control.hold = undefined
  await waitIdle(app)

  const after = await copyOf(app, 'cities')
  t.ok(after.checked_at.getTime() > Date.now() - 60_000, 'the board confirmed it: checked now')
  t.equal(after.fetched_at.getTime(), then.getTime(), 'not modified: the content is the stored version, fetched_at stays')
  t.equal(after.refreshing_until, null, 'the hold is released')
  t.ok(Number((await call('GET', url)).headers.age) < 60, 'and its age starts again')
})

t.test('a new version replaces the stored items whole', async t => {
  const { app, call, control, integrationId } = await setup(t)
  const url = `/v1/integrations/${integrationId}/dictionaries/cities`
  await call('GET', url)
  control.serveCities([{ id: 'new-1', name: 'Нове місто', parentId: null }, { id: 'new-2', name: 'Ще одне', parentId: 'new-1' }])
  await age(app, 'cities', 2)
  await call('GET', url)
  await waitIdle(app)
  const res = await call('GET', url)
  t.same(res.json().items.map((i: { id: string }) => i.id), ['new-1', 'new-2'], 'nothing of the old version is left')
  t.match(await copyOf(app, 'cities'), { item_count: 2, etag: '"test-1"' })
  t.same((await call('GET', `${url}?q=${encodeURIComponent('нове')}`)).json().items.map((i: { id: string }) => i.id), ['new-1'], 'and searched by its own names')
})

t.test('a board that is down: the stored copy answers with its age; with nothing stored, the board\'s problem', async t => {
  const { app, call, control, integrationId } = await setup(t)
  control.fail.dictionaries = down
  const nothing = await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities`)
  t.equal(nothing.statusCode, 502)
  t.match(problemOf(nothing), { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', board: 'sandbox' })
  t.equal((await app.db.selectFrom('dictionary_copies').selectAll().execute()).length, 0, 'nothing stored')

  control.fail.dictionaries = undefined
  await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities`)
  await age(app, 'cities', 3)
  control.fail.dictionaries = down
  const stale = await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities?q=київ`)
  t.equal(stale.statusCode, 200)
  t.equal(stale.json().items[0].id, 'kyiv')
  t.ok(Date.parse(stale.json().checkedAt) < Date.now() - 3 * 86_400_000 + 60_000, 'checkedAt says when the board last confirmed it')
  await waitIdle(app)
  const copy = await copyOf(app, 'cities')
  t.equal(copy.refreshing_until, null, 'the failed refresh let go of the copy')
  t.ok(copy.checked_at.getTime() < Date.now() - 86_400_000, 'and left it as it was')
  t.equal((await call('GET', `/v1/integrations/${integrationId}`)).json().status, 'active', 'a board that is down does not fail the integration')
})

t.test('a board that refuses the account on a first fetch: its problem, and the integration says so', async t => {
  const { call, control, integrationId } = await setup(t)
  control.fail.dictionaries = revoked
  const res = await call('GET', `/v1/integrations/${integrationId}/dictionaries/categories`)
  t.equal(res.statusCode, 422)
  t.equal(problemOf(res).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS')
  t.match((await call('GET', `/v1/integrations/${integrationId}`)).json(), { status: 'invalid_credentials', lastError: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })
})

t.test('an account\'s own dictionary: fetched per integration, cached briefly, gone with the integration', async t => {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards, env: { DICTIONARY_ACCOUNT_TTL_SECONDS: '60' } })
  await app.db.deleteFrom('dictionary_copies').execute()
  const call = await tenantCaller(app)
  const install = async (name: string) => (await call('POST', '/v1/integrations', { board: 'sandbox', name, credentials: { accountName: name } })).json().id as string
  const one = await install('one')
  const two = await install('two')
  const list = async (id: string) => await call('GET', `/v1/integrations/${id}/dictionaries/offices`)

  const a = (await list(one)).json().items.map((i: { id: string }) => i.id)
  const b = (await list(two)).json().items.map((i: { id: string }) => i.id)
  t.equal(a.length, 2)
  t.not(a[0], b[0], 'each account has its own')
  await list(one)
  t.equal(control.fetches.filter(f => f.name === 'offices').length, 2, 'one fetch per account while fresh')
  t.match(await app.db.selectFrom('dictionary_copies').selectAll().where('name', '=', 'offices').execute(), [{ integration_id: String }, { integration_id: String }])

  // older than DICTIONARY_ACCOUNT_TTL_SECONDS: served, and fetched again behind the answer
  await app.db.updateTable('dictionary_copies').set({ checked_at: new Date(Date.now() - 61_000) }).where('integration_id', '=', one).execute()
  t.same((await list(one)).json().items.map((i: { id: string }) => i.id), a)
  await waitIdle(app)
  t.same(control.fetches.filter(f => f.name === 'offices').map(f => f.integration), [one, two, one], 'through its own account')

  await app.app.dictionaryRefresh.tick()
  t.equal(control.fetches.filter(f => f.name === 'offices').length, 3, 'the schedule leaves account catalogues to their accounts')

  t.equal((await call('DELETE', `/v1/integrations/${one}`)).statusCode, 204)
  t.equal((await app.db.selectFrom('dictionary_copies').selectAll().where('integration_id', '=', one).execute()).length, 0, 'deleted with the integration')
  t.equal((await app.db.selectFrom('dictionary_items').select('id').where('id', 'in', a).execute()).length, 0, 'items too')
  t.equal((await app.db.selectFrom('dictionary_items').select('id').where('id', 'in', b).execute()).length, 2, 'the other account\'s stay')
})

t.test('the scheduled refresh: every board-wide dictionary of a board with a working account, at most once a day, one replica at a time', async t => {
  const { app, control, integrationId } = await setup(t)
  const result = await app.app.dictionaryRefresh.tick()
  t.same(result, { refreshed: 2, failed: 0 }, 'cities and categories fetched before anyone asked')
  t.same(control.fetches.map(f => [f.name, f.integration]), [['cities', integrationId], ['categories', integrationId]])
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 0, failed: 0 }, 'nothing due the same day')

  await age(app, 'cities', 2)
  // another replica holds it: this one leaves it alone
  await app.db.updateTable('dictionary_copies').set({ refreshing_until: new Date(Date.now() + 60_000) }).where('name', '=', 'cities').execute()
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 0, failed: 0 })
  // that replica died: its hold lapses
  await app.db.updateTable('dictionary_copies').set({ refreshing_until: new Date(Date.now() - 1000) }).where('name', '=', 'cities').execute()
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 1, failed: 0 })
  t.same(control.fetches[2], { board: 'sandbox', name: 'cities', stored: { etag: (await copyOf(app, 'cities')).etag, lastModified: null }, integration: integrationId }, 'conditionally')

  await age(app, 'categories', 2)
  control.fail.dictionaries = down
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 0, failed: 1 }, 'a board that is down fails the round, not the job')
  t.equal((await copyOf(app, 'categories')).refreshing_until, null)
  control.fail.dictionaries = revoked
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 0, failed: 1 })
  t.equal((await app.db.selectFrom('integrations').select('status').where('id', '=', integrationId).executeTakeFirstOrThrow()).status, 'invalid_credentials', 'dead credentials mark the account')
  control.fail.dictionaries = undefined
  // the earlier tests' accounts on this database too
  await app.db.updateTable('integrations').set({ status: 'error' }).where('board', '=', 'sandbox').execute()
  t.same(await app.app.dictionaryRefresh.tick(), { refreshed: 0, failed: 0 }, 'no working account of the board: nothing to ask through')
  t.equal(control.fetches.length, 5)
})

/** until the refreshes requests started in the background are over */
async function waitIdle (app: TestApp): Promise<void> {
  await app.app.dictionaries.idle()
}
