// Load: 200 concurrent clients for LOAD_SECONDS (60 by default) on the read API — the change feed,
// the candidate list and single candidates — while a sync stores a few thousand applications and
// the dispatcher delivers their webhooks. Zero errors, zero non-2xx, zero timeouts. The latency
// percentiles and the request count are printed, never asserted (wall time belongs to bench/).
import t from 'tap'
import autocannon from 'autocannon'
import { build, bearer } from '../helpers/app.js'
import { testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60)
const CONNECTIONS = 200

if (testDatabaseUrl() === undefined) {
  t.plan(0, 'load is measured on Postgres (TEST_DATABASE_URL); the embedded PGlite serves one connection in-process')
} else {
  t.setTimeout((SECONDS + 120) * 1000)
  t.test(`${CONNECTIONS} clients for ${SECONDS} s on the read API during a sync and webhook delivery: no errors`, async t => {
    // 2,000 sandbox applicants and more: past the default cap per tenant
    const app = await build(t, { env: { DATABASE_POOL_MAX: '10', WEBHOOK_BACKOFF_SECONDS: '1', SANDBOX_APPLICANTS_PER_TENANT: '100000' } })
    const { key } = await app.tenant()
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
    const hook = await startWebhookReceiver()
    t.teardown(hook.close)
    t.equal((await call('POST', '/v1/webhooks', { url: hook.url, events: ['application.created', 'publication.status_changed'] })).statusCode, 201)
    const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'load' } })).json().id as string
    const publish = async (hostJobId: string, applicants: number) => {
      await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
      const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants }, publicationType: 'standard', publish: true })
      t.equal(res.statusCode, 201)
    }

    // data to read: 2,000 applications before the load starts
    await publish('load-1', 2_000)
    await app.app.scheduler.tick(); await app.app.scheduler.idle()
    const candidates = (await call('GET', '/v1/candidates?limit=100')).json().items as Array<{ id: string }>
    t.ok(candidates.length === 100, 'candidates to read')

    // under load: a sync of 5,000 more and the webhook backlog going out
    await publish('load-2', 5_000)
    let writing = true
    const background = (async () => {
      const sync = (async () => { await app.app.scheduler.tick(); await app.app.scheduler.idle() })()
      while (writing) { await app.app.dispatcher.tick(); await new Promise(resolve => setTimeout(resolve, 50)) }
      await sync
    })()

    const address = await app.app.listen({ host: '127.0.0.1', port: 0 })
    const headers = { ...bearer(key), accept: 'application/json' }
    const result = await autocannon({
      url: address,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 30,
      requests: [
        { method: 'GET', path: '/v1/applications?limit=50', headers },
        { method: 'GET', path: '/v1/candidates?limit=50', headers },
        ...candidates.slice(0, 20).map(c => ({ method: 'GET' as const, path: `/v1/candidates/${c.id}`, headers }))
      ]
    })
    writing = false
    await background

    const applications = Number((await app.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    t.comment(`load: ${result.requests.total} requests in ${result.duration} s (${Math.round(result.requests.average)}/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx; ${applications} applications stored and ${hook.received.size} webhooks received meanwhile`)
    t.equal(result.errors, 0, 'no connection errors')
    t.equal(result.timeouts, 0, 'no timeouts')
    t.equal(result.non2xx, 0, 'every answer 2xx')
    t.ok(result.requests.total > 0, 'requests were made')
    t.ok(applications > 2_000, 'the sync wrote while the load ran')
    t.ok(hook.received.size > 0, 'webhooks went out while the load ran')
  })
}
