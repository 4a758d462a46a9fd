// The metrics ops read (README "Metrics and alerts"): sync runs, applications stored, lease
// takeovers, board requests by operation and status, token renewals, webhook deliveries, and the
// database's gauges read at scrape time. Each is driven by the real thing (sandbox, fake boards,
// a webhook receiver) and read from /metrics as Prometheus would.
import t from 'tap'
import { build, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'
import { valueOf } from '../helpers/prometheus.js'
import { adapterHarness } from '../helpers/adapter-harness.js'
import { memoryStore } from '../helpers/credential-store.js'
import { createHeadHunterAdapter } from '../../src/boards/headhunter/adapter.js'
import { createMetrics } from '../../src/metrics/registry.js'

const boards = await startFakeBoards()
const djinni = fixtures(boards).find(f => f.board === 'djinni')!

const scrape = async (app: TestApp): Promise<string> => {
  const res = await app.app.inject('/metrics')
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`)
  return res.body
}

const settle = async (app: TestApp): Promise<void> => { await app.app.scheduler.tick(); await app.app.scheduler.idle() }

async function publishSandbox (call: Call, hostJobId: string, applicants: number): Promise<string> {
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: hostJobId } })).json().id
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants }, publicationType: 'standard', publish: true })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id
}

t.test('a Djinni sync: its run, the applications stored, and each board request by operation and status', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  t.equal(valueOf(await scrape(app), 'jobsync_board_request_duration_seconds_count', { board: 'djinni' }), undefined, 'nothing before the first request')

  const integrationId = await djinni.install(call)
  await call('PUT', '/v1/jobs/metrics-djinni', { title: 'Metrics', description: LONG_DESCRIPTION })
  const pub = (await call('POST', '/v1/jobs/metrics-djinni/publications', { integrationId, fields: djinni.fields, publicationType: djinni.publicationType, publish: true })).json()
  boards.djinni.addCandidates(Number(pub.posting.externalId), 3)
  await settle(app)

  let text = await scrape(app)
  t.equal(valueOf(text, 'jobsync_sync_runs_total', { board: 'djinni', outcome: 'succeeded' }), 1)
  t.equal(valueOf(text, 'jobsync_sync_runs_total', { board: 'djinni', outcome: 'failed' }), undefined)
  t.equal(valueOf(text, 'jobsync_applications_stored_total', { board: 'djinni', change: 'created' }), 3)
  const requests = (operation: string, status: string) => valueOf(text, 'jobsync_board_request_duration_seconds_count', { board: 'djinni', operation, status })
  t.ok((requests('checkAccount', '200') ?? 0) >= 1, 'the install checked the account')
  t.equal(requests('publish', '201'), 1, 'one publish request, answered 201 Created')
  t.equal(requests('pageThroughResponses', '200'), 1, 'one page of candidates')
  t.ok((valueOf(text, 'jobsync_board_request_duration_seconds_sum', { board: 'djinni', operation: 'pageThroughResponses', status: '200' }) ?? -1) >= 0, 'its latency is summed')
  t.equal(valueOf(text, 'jobsync_board_request_duration_seconds_bucket', { board: 'djinni', operation: 'pageThroughResponses', status: '200', le: '+Inf' }), 1)

  // the board fails the next run: both attempts (BOARD_MAX_RETRIES=1) are counted with their status
  boards.djinni.server.inject({ match: /\/candidates\/?$/, status: 503, times: 2 })
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', pub.id).execute()
  await settle(app)
  text = await scrape(app)
  t.equal(valueOf(text, 'jobsync_sync_runs_total', { board: 'djinni', outcome: 'failed' }), 1)
  t.equal(requests('pageThroughResponses', '503'), 2)
  t.equal(valueOf(text, 'jobsync_applications_stored_total', { board: 'djinni', change: 'created' }), 3, 'a failed run stored nothing new')
})

t.test('a board that does not answer is counted as a timeout, one that cannot be reached as network', async t => {
  const app = await build(t, { env: { ...boards.env, BOARD_TIMEOUT_MS: '200', BOARD_MAX_RETRIES: '0' } })
  const call = await tenantCaller(app)
  boards.djinni.server.inject({ match: /\/me\/?$/, mode: 'timeout', times: 1 })
  const slow = await djinni.install(call).then(() => 'installed', (error: Error) => error.message)
  t.match(slow, /install djinni failed/)
  t.equal(valueOf(await scrape(app), 'jobsync_board_request_duration_seconds_count', { board: 'djinni', operation: 'checkAccount', status: 'timeout' }), 1)

  const unreachable = await build(t, { env: { ...boards.env, DJINNI_API_URL: 'http://127.0.0.1:9/api/v2', BOARD_MAX_RETRIES: '0' } })
  const other = await tenantCaller(unreachable)
  await djinni.install(other).catch(() => {})
  t.equal(valueOf(await scrape(unreachable), 'jobsync_board_request_duration_seconds_count', { board: 'djinni', operation: 'checkAccount', status: 'network' }), 1)
})

t.test('a lease taken over from a dead replica is counted; a lease given back is not', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const first = await publishSandbox(call, 'metrics-lease', 2)
  await settle(app)
  t.equal(valueOf(await scrape(app), 'jobsync_sync_lease_takeovers_total'), 0, 'a first claim takes over nothing')

  // a replica died mid-run: its lease expired with its name still on the row
  await app.db.updateTable('publications').set({ lease_owner: 'dead-replica', lease_expires_at: new Date(Date.now() - 1000), next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', first).execute()
  await settle(app)
  t.equal(valueOf(await scrape(app), 'jobsync_sync_lease_takeovers_total'), 1)
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', first).execute()
  await settle(app)
  t.equal(valueOf(await scrape(app), 'jobsync_sync_lease_takeovers_total'), 1, 'our own lease, given back, is no takeover')

  // "sync now" on a publication a dead replica holds
  const second = await publishSandbox(call, 'metrics-lease-now', 1)
  await settle(app)
  await app.db.updateTable('publications').set({ lease_owner: 'dead-replica', lease_expires_at: new Date(Date.now() - 1000) }).where('id', '=', second).execute()
  t.equal((await call('POST', `/v1/publications/${second}/sync`)).statusCode, 202)
  await app.app.scheduler.idle()
  const text = await scrape(app)
  t.equal(valueOf(text, 'jobsync_sync_lease_takeovers_total'), 2)
  t.equal(valueOf(text, 'jobsync_sync_runs_total', { board: 'sandbox', outcome: 'succeeded' }), 5, 'three runs of the first, two of the second')
})

t.test('the database gauges: sync lag, outbox backlog and its oldest event, outcome shares pending', async t => {
  const app = await build(t, { env: boards.env, ownDb: true })
  const call = await tenantCaller(app)
  const gauges = async () => {
    const text = await scrape(app)
    return {
      lag: valueOf(text, 'jobsync_sync_oldest_due_seconds'),
      backlog: valueOf(text, 'jobsync_outbox_backlog'),
      oldest: valueOf(text, 'jobsync_outbox_oldest_event_age_seconds'),
      shares: valueOf(text, 'jobsync_outcome_shares_pending')
    }
  }
  t.same(await gauges(), { lag: 0, backlog: 0, oldest: 0, shares: 0 }, 'an empty database')

  const receiver = await startWebhookReceiver()
  t.teardown(receiver.close)
  const hook = (await call('POST', '/v1/webhooks', { url: receiver.url, events: ['application.created'] })).json()
  const pub = await publishSandbox(call, 'metrics-gauges', 3)
  // due since two minutes, and not claimed (the scheduler has not ticked)
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 120_000) }).where('id', '=', pub).execute()
  let now = await gauges()
  t.ok(now.lag! >= 120 && now.lag! < 600, `waited ${now.lag} s`)

  await settle(app)
  now = await gauges()
  t.equal(now.lag, 0, 'synced: nothing waits')
  t.equal(now.backlog, 3, 'one application.created per application, not sent yet')
  await app.db.updateTable('webhook_deliveries').set({ queued_at: new Date(Date.now() - 300_000) }).where('webhook_id', '=', hook.id).execute()
  now = await gauges()
  t.ok(now.oldest! >= 300 && now.oldest! < 900, `the oldest waits for ${now.oldest} s`)

  // a disabled endpoint waits for its owner, not for us: out of the backlog
  t.equal((await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'disabled' })).statusCode, 200)
  t.match(await gauges(), { backlog: 0, oldest: 0 })
  await call('PATCH', `/v1/webhooks/${hook.id}`, { status: 'active' })
  await app.app.dispatcher.drain()
  t.match(await gauges(), { backlog: 0, oldest: 0 }, 'delivered')
  t.equal(valueOf(await scrape(app), 'jobsync_webhook_deliveries_total', { outcome: 'delivered' }), 3)

  // an outcome Djinni cannot take now waits to be sent again
  const integrationId = await djinni.install(call)
  await call('PUT', '/v1/jobs/metrics-outcome', { title: 'Outcome', description: LONG_DESCRIPTION })
  const posting = (await call('POST', '/v1/jobs/metrics-outcome/publications', { integrationId, fields: djinni.fields, publicationType: djinni.publicationType, publish: true })).json()
  boards.djinni.addCandidates(Number(posting.posting.externalId), 1)
  await settle(app)
  const application = (await call('GET', `/v1/applications?publicationId=${posting.id}`)).json().items[0]
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 503, times: 2 })
  t.match((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).json(), { shared: 'pending' })
  t.equal((await gauges()).shares, 1)
})

t.test('webhook deliveries by outcome: delivered, retrying, failed', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const receiver = await startWebhookReceiver()
  t.teardown(receiver.close)
  await call('POST', '/v1/webhooks', { url: receiver.url, events: ['application.created'] })
  receiver.state.status = 503
  await publishSandbox(call, 'metrics-deliveries', 2)
  await settle(app)
  await app.app.dispatcher.tick()
  let text = await scrape(app)
  t.equal(valueOf(text, 'jobsync_webhook_deliveries_total', { outcome: 'retrying' }), 2, 'refused: tried again later')
  t.equal(valueOf(text, 'jobsync_webhook_deliveries_total', { outcome: 'delivered' }), undefined)

  receiver.state.status = 410
  await app.db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute()
  await app.app.dispatcher.drain()
  text = await scrape(app)
  t.equal(valueOf(text, 'jobsync_webhook_deliveries_total', { outcome: 'failed' }), 2, 'a 4xx gives up at once')
})

t.test('token renewals: one refreshed, the calls that find it renewed reuse it, a refused one fails', async t => {
  const metrics = createMetrics()
  const { fake, adapter, log } = await adapterHarness(t, 'headhunter', {
    fake: { redirectUri: 'https://host.example/oauth/hh', refreshDelayMs: 50 },
    create: deps => createHeadHunterAdapter({ ...deps, onTokenRefresh: metrics.tokenRefresh })
  })
  const account = fake.addEmployerAccount()
  const store = memoryStore(await adapter.connect({ code: fake.issueAuthCode(account.key) }, `install:${account.key}`))
  const session = { key: account.key, credentials: store, log }
  fake.expireAccessTokens(account.key)
  await Promise.all(Array.from({ length: 4 }, async () => await adapter.checkAccount(session)))
  let text = await metrics.registry.metrics()
  t.equal(valueOf(text, 'jobsync_token_refreshes_total', { board: 'headhunter', outcome: 'refreshed' }), 1)
  t.equal(valueOf(text, 'jobsync_token_refreshes_total', { board: 'headhunter', outcome: 'reused' }), 3)

  // hh refuses the refresh token (docs/boards.md: `invalid_grant`)
  fake.expireAccessTokens(account.key)
  fake.server.inject({ match: /^POST \/token$/, status: 400, body: { error: 'invalid_grant', error_description: 'token was revoked' } })
  await t.rejects(adapter.checkAccount(session))
  text = await metrics.registry.metrics()
  t.equal(valueOf(text, 'jobsync_token_refreshes_total', { board: 'headhunter', outcome: 'failed' }), 1)
})
