// Retention (src/retention-job.ts): outbox events, delivery attempts and sync runs older than their
// settings are pruned; young rows, events a delivery still waits for, a publication's last
// successful run and the failure streak that still counts are kept; the work goes in batches, a
// tick stops at its cap and the next one goes on; rows another transaction holds are skipped, not
// waited for. The tests share the file's database and run one after another: each leaves nothing
// old enough to prune, so the next one's tick counts its own rows only.
import t from 'tap'
import { sql } from 'kysely'
import { build, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'
import * as syncRepo from '../../src/sync/repo.js'

// two rows a statement, two statements a table per tick: every table below has more than that
const ENV = { RETENTION_BATCH: '2', RETENTION_MAX_BATCHES: '2', RETENTION_EVENTS_DAYS: '30', RETENTION_ATTEMPTS_DAYS: '7', RETENTION_SYNC_RUNS_DAYS: '30' }
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000)

async function publishAndSync (app: TestApp, call: Call, integrationId: string, hostJobId: string, applicants: number): Promise<{ id: string, tenantId: string }> {
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants, arrivalsPerSync: 0 }, publicationType: 'standard', publish: true })).json()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const row = await app.db.selectFrom('publications').select('tenant_id').where('id', '=', pub.id).executeTakeFirstOrThrow()
  return { id: pub.id, tenantId: row.tenant_id }
}

/** ticks until a tick prunes nothing; the sums of what the ticks pruned */
async function pruneToTheEnd (app: TestApp): Promise<{ events: number, attempts: number, syncRuns: number, ticks: number }> {
  const total = { events: 0, attempts: 0, syncRuns: 0, ticks: 0 }
  for (let i = 0; i < 50; i++) {
    const result = await app.app.retention.tick()
    if (result === undefined) throw new Error('the retention tick failed')
    total.ticks++
    if (result.events + result.attempts + result.syncRuns === 0) return total
    total.events += result.events
    total.attempts += result.attempts
    total.syncRuns += result.syncRuns
  }
  throw new Error('retention never finished')
}

t.test('old delivered events and old attempts go, in batches; young ones and events a delivery waits for stay', async t => {
  const app = await build(t, { env: ENV })
  const call = await tenantCaller(app)
  const receiver = await startWebhookReceiver()
  t.teardown(() => receiver.close())
  t.equal((await call('POST', '/v1/webhooks', { url: receiver.url, events: ['application.created'] })).statusCode, 201)
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'retention' } })).json().id
  const { tenantId } = await publishAndSync(app, call, integrationId, 'retention-events', 7)
  await app.app.dispatcher.drain()

  const events = await app.db.selectFrom('outbox_events').select(['id', 'type']).where('tenant_id', '=', tenantId).orderBy('id').execute()
  t.ok(events.filter(e => e.type === 'application.created').length >= 7, 'an event per applicant')
  // the young one is delivered (the sync's own events go to no webhook here)
  const young = events.filter(e => e.type === 'application.created').at(-1)!.id
  const old = events.filter(e => e.id !== young).map(e => e.id)
  t.ok(old.length > 4, 'more old events than one tick may prune')
  const delivered = await app.db.selectFrom('webhook_deliveries').select(['id', 'event_seq', 'status']).execute()
  t.ok(delivered.length >= 7 && delivered.every(d => d.status === 'delivered'), 'every delivery made')

  // an old event whose delivery still waits (a disabled webhook's wait for its PATCH, or a retry)
  const hookId = (await app.db.selectFrom('webhooks').select('id').executeTakeFirstOrThrow()).id
  const waiting = (await app.db.insertInto('outbox_events').values({ tenant_id: tenantId, type: 'application.created', subject: 'candidate:waiting', payload: '{}', created_at: daysAgo(40) })
    .returning('id').executeTakeFirstOrThrow()).id
  await app.db.insertInto('webhook_deliveries').values({ webhook_id: hookId, event_seq: waiting, subject: 'candidate:waiting', next_attempt_at: daysAgo(-1) }).execute()

  // created_at is written by the database only: backdated by hand
  await sql`update outbox_events set created_at = ${daysAgo(31)} where id = any(${old}::bigint[])`.execute(app.db)
  // the old events' attempts are old too; the young event's attempts are young
  const oldDeliveries = delivered.filter(d => old.includes(d.event_seq)).map(d => d.id)
  await sql`update webhook_attempts set at = ${daysAgo(8)} where delivery_id = any(${oldDeliveries}::uuid[])`.execute(app.db)
  // an attempt of a young event that is old itself (a delivery retried for days): it goes alone
  const youngDelivery = delivered.find(d => d.event_seq === young)!.id
  await app.db.insertInto('webhook_attempts').values({ delivery_id: youngDelivery, at: daysAgo(8), status_code: 500, error: 'bad_status', duration_ms: 12 }).execute()
  const oldAttempts = oldDeliveries.length > 0
    ? (await app.db.selectFrom('webhook_attempts').select(sql<number>`count(*)::int`.as('n')).where('at', '<', daysAgo(7)).executeTakeFirstOrThrow()).n
    : 0

  const first = await app.app.retention.tick()
  t.same(first, { attempts: Math.min(4, oldAttempts), events: 4, syncRuns: 0 }, 'one tick: two batches of two a table, no more')
  const rest = await pruneToTheEnd(app)
  t.ok(rest.ticks > 1, 'the next ticks went on where the first stopped')
  t.equal(first!.events + rest.events, old.length, 'every old event with nothing pending went')

  const left = await app.db.selectFrom('outbox_events').select('id').where('tenant_id', '=', tenantId).orderBy('id').execute()
  t.same(left.map(e => e.id), [young, waiting], 'the young event and the one a delivery waits for stay')
  const deliveriesLeft = await app.db.selectFrom('webhook_deliveries').select(['event_seq', 'status']).orderBy('event_seq').execute()
  t.same(deliveriesLeft, [{ event_seq: young, status: 'delivered' }, { event_seq: waiting, status: 'pending' }], "the pruned events' deliveries went with them")
  const attemptsLeft = await app.db.selectFrom('webhook_attempts').select(['delivery_id', 'at']).execute()
  t.ok(attemptsLeft.length >= 1, "the young delivery's own attempt stays")
  t.ok(attemptsLeft.every(a => a.delivery_id === youngDelivery && a.at > daysAgo(7)), 'no old attempt is left, nor any of a pruned event')

  // what is left still works: the waiting delivery goes out when due
  await app.db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date() }).where('event_seq', '=', waiting).execute()
  await app.app.dispatcher.drain()
  t.equal((await app.db.selectFrom('webhook_deliveries').select('status').where('event_seq', '=', waiting).executeTakeFirstOrThrow()).status, 'delivered')
  t.same(await app.app.retention.tick(), { events: 1, attempts: 0, syncRuns: 0 }, 'and once delivered, its old event goes too')
  t.same((await app.db.selectFrom('outbox_events').select('id').where('tenant_id', '=', tenantId).execute()).map(e => e.id), [young])
})

t.test("old sync runs go, but a publication's last success, the streak that counts, running runs and young ones", async t => {
  const app = await build(t, { env: ENV })
  const call = await tenantCaller(app)
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'retention-runs' } })).json().id
  const a = await publishAndSync(app, call, integrationId, 'retention-runs-a', 1)
  const b = await publishAndSync(app, call, integrationId, 'retention-runs-b', 1)
  const run = async (publicationId: string, status: 'succeeded' | 'failed' | 'running', days: number, code = 'JOBSYNC_ERR_BOARD_UNAVAILABLE') =>
    (await app.db.insertInto('sync_runs').values({
      tenant_id: a.tenantId, publication_id: publicationId, trigger: 'schedule', status, owner: 'test', started_at: daysAgo(days),
      finished_at: status === 'running' ? null : daysAgo(days),
      error: status === 'failed' ? JSON.stringify({ code, title: 'failed', detail: 'failed', field: null, boardStatus: null }) : null
    }).returning('id').executeTakeFirstOrThrow()).id

  // a: the sync's own run is young and its last success; older ones before it go, a running one stays
  const aYoung = (await app.db.selectFrom('sync_runs').select('id').where('publication_id', '=', a.id).executeTakeFirstOrThrow()).id
  const aOldSuccess = await run(a.id, 'succeeded', 60)
  const aOldFailure = await run(a.id, 'failed', 50)
  const aRunning = await run(a.id, 'running', 45)
  // b: its last success is old, then a streak of 31 counted failures and one of ours (lease lost)
  await sql`update sync_runs set started_at = ${daysAgo(41)}, finished_at = ${daysAgo(41)} where publication_id = ${b.id}`.execute(app.db)
  const bLastSuccess = (await app.db.selectFrom('sync_runs').select('id').where('publication_id', '=', b.id).executeTakeFirstOrThrow()).id
  const bBeforeSuccess = await run(b.id, 'failed', 42)
  const bLeaseLost = await run(b.id, 'failed', 39.5, 'JOBSYNC_ERR_LEASE_LOST')
  const streak: string[] = []
  for (let i = 0; i <= syncRepo.FAILURE_STREAK_COUNTED; i++) streak.push(await run(b.id, 'failed', 39 - i * 0.1))
  t.equal(await syncRepo.failedRunsInARow(app.db, b.id), syncRepo.FAILURE_STREAK_COUNTED + 1)

  const first = await app.app.retention.tick()
  t.same(first, { events: 0, attempts: 0, syncRuns: 4 }, 'one tick: two batches of two')
  const rest = await pruneToTheEnd(app)
  t.equal(rest.syncRuns, 1, 'the next tick went on')

  const left = new Set((await app.db.selectFrom('sync_runs').select('id').execute()).map(r => r.id))
  for (const [id, what] of [[aOldSuccess, 'an old success before a later one'], [aOldFailure, 'an old failure before a later success'], [bBeforeSuccess, 'a failure before the last success'],
    [bLeaseLost, 'a run of ours inside a streak that counts 30 after it'], [streak[0]!, 'the oldest failure, 30 counted after it']] as const) {
    t.notOk(left.has(id), `gone: ${what}`)
  }
  for (const [id, what] of [[aYoung, 'a young run'], [aRunning, 'a running run'], [bLastSuccess, 'the last success, however old'], [streak.at(-1)!, 'the latest run']] as const) {
    t.ok(left.has(id), `kept: ${what}`)
  }
  t.ok(streak.slice(1).every(id => left.has(id)), 'the rest of the streak stays')
  t.equal(await syncRepo.failedRunsInARow(app.db, b.id), syncRepo.FAILURE_STREAK_COUNTED, 'the streak still counts as far as the retry delay reads it')
  t.equal((await call('GET', `/v1/publications/${b.id}/sync-runs`)).statusCode, 200)
})

t.test('a row another transaction holds is skipped, not waited for, and goes on a later tick', async t => {
  const app = await build(t, { env: ENV })
  if (app.dbHandle.kind === 'embedded') {
    // PGlite has one connection: a held transaction would hold the tick too
    t.pass('Postgres only')
    return
  }
  const { id: tenantId } = await app.tenant()
  const ids: number[] = []
  for (let i = 0; i < 3; i++) {
    ids.push((await app.db.insertInto('outbox_events').values({ tenant_id: tenantId, type: 'sync.failed', subject: `held:${i}`, payload: '{}', created_at: daysAgo(31) })
      .returning('id').executeTakeFirstOrThrow()).id)
  }
  let release!: () => void
  const released = new Promise<void>(resolve => { release = resolve })
  let locked!: () => void
  const isLocked = new Promise<void>(resolve => { locked = resolve })
  const holder = app.db.transaction().execute(async trx => {
    await sql`select id from outbox_events where id = ${ids[1]} for update`.execute(trx)
    locked()
    await released
  })
  await isLocked
  try {
    const result = await app.app.retention.tick()
    t.equal(result?.events, 2, 'the free rows went while the held one was held')
    const left = await app.db.selectFrom('outbox_events').select('id').where('tenant_id', '=', tenantId).execute()
    t.same(left.map(e => e.id), [ids[1]], 'the held row stayed')
  } finally {
    release()
    await holder
  }
  t.equal((await app.app.retention.tick())?.events, 1, 'and went once let go')
})
