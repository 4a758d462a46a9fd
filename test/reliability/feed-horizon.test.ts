// The change feed waits only for writers. Sessions that write nothing (one idle in `begin; select 1`,
// as a psql left open; one running a long read-only query, as a report or a pg_dump does) stay open
// for 60 s while syncs store applications: the feed serves each sync's applications as soon as it
// has stored them. (That a fast reader never skips a slow writer's rows is test/candidates/feed.test.ts.)
import t from 'tap'
import pg from 'pg'
import { sql } from 'kysely'
import { build, bearer } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

const HOLD_MS = 60_000
const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

t.test('read-only and idle transactions held open for 60 s do not hold back the feed', { skip: testDatabaseUrl() === undefined ? 'needs other sessions on the server (TEST_DATABASE_URL); the embedded database has one connection' : false }, async t => {
  const app = await build(t)
  const { id: tenantId, key } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: `horizon-${tenantId}` } })).json().id
  await call('PUT', '/v1/jobs/horizon', { title: 'horizon', description: LONG_DESCRIPTION })
  const pub = (await call('POST', '/v1/jobs/horizon/publications', { integrationId, fields: { applicants: 5, arrivalsPerSync: 5 }, publicationType: 'standard', publish: true })).json()

  // the sessions that write nothing, opened before the first sync and kept open throughout
  const idle = new pg.Client({ connectionString: app.dbHandle.url })
  const reader = new pg.Client({ connectionString: app.dbHandle.url })
  await idle.connect(); await reader.connect()
  t.teardown(async () => { await idle.end(); await reader.end() })
  const pidOf = async (client: pg.Client) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
  const idlePid = await pidOf(idle)
  const readerPid = await pidOf(reader)
  await idle.query('begin; select 1')
  await reader.query('begin read only')
  // runs until cancelled below, at most a minute past the hold
  const report = reader.query(`select count(*) from pg_class, pg_sleep(${HOLD_MS / 1000 + 60})`).then(() => 'finished', () => 'cancelled')
  const heldFrom = Date.now()

  const feedIds = new Set<string>()
  let cursor: string | null = null
  const readFeed = async () => {
    for (;;) {
      const page = (await call('GET', `/v1/applications?limit=50${cursor === null ? '' : `&after=${cursor}`}`)).json()
      for (const item of page.items) feedIds.add(item.id)
      cursor = page.nextCursor
      if (page.items.length === 0) return
    }
  }
  const stored = async () => (await app.db.selectFrom('applications').select('id').where('tenant_id', '=', tenantId).execute()).map(r => r.id)

  let syncs = 0
  while (syncs === 0 || Date.now() - heldFrom < HOLD_MS) {
    await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', pub.id).execute()
    await app.app.scheduler.tick(); await app.app.scheduler.idle()
    syncs++
    const ids = await stored()
    t.equal(ids.length, 5 * syncs, `sync ${syncs} stored its applicants`)
    // served while the sessions are still open. Transaction ids are the server's: a writer of another
    // database on a shared test server holds the feed for as long as it runs, so a few reads are allowed
    for (let read = 0; read < 20 && !ids.every(id => feedIds.has(id)); read++) {
      if (read > 0) await sleep(100)
      await readFeed()
    }
    t.same(ids.filter(id => !feedIds.has(id)), [], `the feed serves sync ${syncs}'s applications while the read-only sessions are open`)
    t.equal(feedIds.size, ids.length, 'nothing else')
    if (Date.now() - heldFrom < HOLD_MS) await sleep(20_000)
  }
  t.ok(syncs >= 2, `${syncs} syncs while the sessions were open`)

  // both sessions were open throughout: the idle one is still in its transaction, the report still running
  const { rows: states } = await sql<{ pid: number, state: string }>`select pid, state from pg_stat_activity where pid in (${idlePid}, ${readerPid})`.execute(app.db)
  t.same(Object.fromEntries(states.map(s => [s.pid === idlePid ? 'idle' : 'report', s.state])), { idle: 'idle in transaction', report: 'active' })
  await sql`select pg_cancel_backend(${readerPid})`.execute(app.db)
  t.equal(await report, 'cancelled', 'the report ran until cancelled')
  await reader.query('rollback'); await idle.query('commit')
})
