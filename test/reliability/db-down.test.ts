// The database goes away mid-run and comes back. A TCP proxy sits between the app and Postgres
// (the shared server keeps running for the other test files) and is cut: connections destroyed and
// refused, then black-holed (accepted, never answered). Meanwhile readiness is 503, API requests
// get 503 problem+json, the scheduler and the dispatcher keep ticking without crashing, and no
// publication is left in a wrong state. When the proxy is back, everything resumes without a
// restart: ready 200, requests answered, the interrupted sync finishes with each applicant once,
// a newly due sync runs, and every event reaches the webhook receiver.
import t from 'tap'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { loggerOptions } from '../../src/logging.js'
import { createSecretBox } from '../../src/crypto/secrets.js'
import { createPostgresDb } from '../../src/db/index.js'
import { ADMIN_KEY, SECRETS_KEY, TEST_OUTBOUND_ALLOW, bearer } from '../helpers/app.js'
import { createTestDb, testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'

const serverUrl = testDatabaseUrl()
if (serverUrl === undefined) {
  t.plan(0, 'needs a Postgres server (TEST_DATABASE_URL) to put a proxy in front of; PGlite runs in-process')
} else {
  await run(serverUrl)
}

async function run (serverUrl: string): Promise<void> {
  const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))
  const waitFor = async (what: string, check: () => Promise<boolean>, tries = 240, everyMs = 250) => {
    for (let i = 0; i < tries; i++) {
      if (await check().catch(() => false)) return
      await sleep(everyMs)
    }
    throw new Error(`timed out waiting for ${what}`)
  }

  // crashes the process would die of; the test records them instead and fails on any
  const escaped: unknown[] = []
  const onRejection = (error: unknown) => { escaped.push({ unhandledRejection: String(error), stack: (error as Error).stack }) }
  const onException = (error: unknown) => { escaped.push({ uncaughtException: String(error), stack: (error as Error).stack }) }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  t.teardown(() => { process.off('unhandledRejection', onRejection); process.off('uncaughtException', onException) })

  // the file's database, migrated directly; the app reaches it only through the proxy
  const direct = await createTestDb()
  const target = new URL(direct.url!)
  const proxy = await startTcpProxy(target.hostname, Number(target.port === '' ? 5432 : target.port))
  const appDb = createPostgresDb(proxy.urlFor(direct.url!), 5)
  const hook = await startWebhookReceiver()
  t.teardown(async () => { await hook.close(); await proxy.close(); await appDb.close(); await direct.close(); await direct.drop() })

  const config = loadConfig({
    LOG_LEVEL: 'info',
    ADMIN_API_KEY: ADMIN_KEY,
    SCHEDULER_CRON: '* * * * * *',
    SYNC_LEASE_SECONDS: '5',
    SYNC_RETRY_SECONDS: '1',
    WEBHOOK_BACKOFF_SECONDS: '1',
    OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW,
    // the interrupted sync is a sandbox posting of 4,000 applicants: past the default cap per tenant
    SANDBOX_APPLICANTS_PER_TENANT: '10000'
  })
  const logs: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(chunk.toString('utf8')); done() } })
  const app = await buildApp({ config, db: appDb.db, secrets: createSecretBox(SECRETS_KEY), logger: pino(loggerOptions('info'), stream) })
  await app.ready()
  t.teardown(async () => { await app.close() })
  app.scheduler.start()
  app.dispatcher.start()

  // a tenant, a webhook, and a sandbox posting with enough applicants that its sync is under way
  // when the database goes
  const admin = bearer(ADMIN_KEY)
  const tenantId = (await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: admin, payload: { name: 'db-down' } })).json().id as string
  const key = (await app.inject({ method: 'POST', url: `/v1/admin/tenants/${tenantId}/api-keys`, headers: admin, payload: { name: 'k' } })).json().key as string
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    await app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  // setup asserts nothing at the top level (tap ends a root test that asserted and has nothing queued)
  const subscribed = ['application.created', 'publication.status_changed', 'sync.failed']
  const webhook = await call('POST', '/v1/webhooks', { url: hook.url, events: subscribed })
  if (webhook.statusCode !== 201) throw new Error(webhook.body)
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'db-down' } })).json().id as string
  const publish = async (hostJobId: string, applicants: number): Promise<string> => {
    await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
    const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants }, publicationType: 'standard', publish: true })
    if (res.statusCode !== 201) throw new Error(res.body)
    return res.json().id as string
  }
  const APPLICANTS = 4_000
  const first = await publish('db-down-1', APPLICANTS)
  const stored = async (publicationId: string) => Number((await direct.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n'))
    .where('publication_id', '=', publicationId).executeTakeFirstOrThrow()).n)
  await waitFor('the sync to store its first pages', async () => await stored(first) >= 100, 400, 50)

  await t.test('the database is cut: 503 everywhere, nothing crashes', async t => {
    await proxy.cut()
    const before = await stored(first)
    t.ok(before < APPLICANTS, `cut mid-sync, after ${before} of ${APPLICANTS} applications`)

    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.statusCode, 503, 'not ready')
    t.match(ready.headers['content-type'], /^application\/problem\+json/)
    t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'still alive')

    for (const [method, url, payload] of [
      ['GET', '/v1/applications'],
      ['GET', '/v1/candidates'],
      ['GET', `/v1/publications/${first}`],
      ['PUT', '/v1/jobs/during-outage', { title: 'x', description: LONG_DESCRIPTION }],
      ['POST', `/v1/publications/${first}/sync`]
    ] as const) {
      const started = Date.now()
      const res = await call(method, url, payload)
      t.equal(res.statusCode, 503, `${method} ${url}: 503 (${Date.now() - started} ms)`)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.match(res.json(), { status: 503, code: 'JOBSYNC_ERR_UNAVAILABLE', instance: String }, 'a problem naming no internals')
      t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1|Connection terminated/, 'no internals leak')
      t.equal(res.headers['retry-after'], '5')
    }

    // the crons keep ticking against the dead database for a while
    const ticksBefore = logs.filter(l => l.includes('scheduler tick failed')).length
    await sleep(3_000)
    t.ok(logs.filter(l => l.includes('scheduler tick failed')).length > ticksBefore, 'scheduler ticks fail, are logged, and go on')
    t.same(escaped, [], 'no unhandled rejection or uncaught exception')
  })

  await t.test('a database that accepts and never answers: still 503, in bounded time', async t => {
    await proxy.blackhole()
    const ready = await app.inject({ method: 'GET', url: '/health/ready' })
    t.equal(ready.statusCode, 503)
    const started = Date.now()
    const res = await call('GET', '/v1/candidates')
    t.equal(res.statusCode, 503, `a request waits for the pool's connection timeout, then 503 (${Date.now() - started} ms)`)
    t.match(res.json(), { code: 'JOBSYNC_ERR_UNAVAILABLE' })
    await sleep(1_500)
    t.same(escaped, [], 'no unhandled rejection or uncaught exception')
  })

  await t.test('the database is back: everything resumes without a restart', async t => {
    await proxy.restore()
    await waitFor('ready', async () => (await app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200)
    t.pass('ready again')
    t.equal((await call('GET', '/v1/candidates?limit=5')).statusCode, 200)
    t.equal((await call('PUT', '/v1/jobs/after-outage', { title: 'x', description: LONG_DESCRIPTION })).statusCode, 201)

    // the interrupted sync: its lease expires, the scheduler takes it over and finishes from the cursor
    await waitFor('the interrupted sync to finish', async () => await stored(first) === APPLICANTS, 600, 250)
    const distinct = await direct.db.selectFrom('applications').select(eb => eb.fn.count<number>(eb.fn('distinct', ['external_id'] as never)).as('n'))
      .where('publication_id', '=', first).executeTakeFirstOrThrow()
    t.equal(Number(distinct.n), APPLICANTS, 'every applicant exactly once')
    t.equal((await call('GET', `/v1/publications/${first}`)).json().applicationCount, APPLICANTS, 'the count is exact')

    // a sync that becomes due now runs on the next tick
    const second = await publish('db-down-2', 30)
    await waitFor('a newly due sync to run', async () => await stored(second) === 30)
    t.pass('a newly due sync ran')

    const publications = await direct.db.selectFrom('publications').select(['id', 'status', 'lease_owner', 'error']).where('tenant_id', '=', tenantId).execute()
    t.ok(publications.every(p => p.status === 'published' && p.error === null), `no publication in a wrong state: ${JSON.stringify(publications.map(p => p.status))}`)
    await waitFor('leases released', async () => (await direct.db.selectFrom('publications').select('id').where('tenant_id', '=', tenantId).where('lease_owner', 'is not', null).execute()).length === 0)
    const stuck = await direct.db.selectFrom('sync_runs').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'running').execute()
    t.equal(stuck.length, 0, 'no sync run left running')

    // every event written that the webhook subscribed to reaches the receiver, at least once
    const events = await direct.db.selectFrom('outbox_events').select('event_id').where('tenant_id', '=', tenantId).where('type', 'in', subscribed).execute()
    const delivering = Date.now()
    await waitFor('every event delivered', async () => events.every(e => hook.received.has(e.event_id)), 240, 500)
    t.comment(`db-down: ${events.length} events delivered in ${Date.now() - delivering} ms after the sync`)
    t.ok(events.length >= APPLICANTS + 30, `${events.length} events, all delivered`)
    t.same(escaped, [], 'no unhandled rejection or uncaught exception')
    t.comment(`db-down: ${logs.filter(l => l.includes('scheduler tick failed')).length} failed scheduler ticks logged, ${logs.filter(l => l.includes('webhook dispatch failed')).length} failed dispatch ticks`)
  })
}
