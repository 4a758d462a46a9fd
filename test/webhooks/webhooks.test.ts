// Webhooks end to end: events written with the data, signed deliveries, a receiver that is down for
// a while and then gets every event in order per candidate, 4xx failing at once, redelivery, and an
// endpoint disabled after failing for a day.
import t from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { verify } from '../../src/outbox/signature.js'
import type { EventType } from '../../src/outbox/events.js'
import { eventEnvelope } from '../../src/modules/webhooks/schemas.js'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const ajv = addFormats.default(new Ajv({ allErrors: true, strict: false }))
/** the errors of an event against its documented envelope (openapi webhooks); [] when it fits */
const documented = (event: { type: EventType }) => {
  const validate = ajv.compile(eventEnvelope(event.type))
  return validate(event) ? [] : validate.errors
}

interface Received { headers: IncomingHttpHeaders, body: string }

async function receiver (t: { teardown: (fn: () => unknown) => void }) {
  const received: Received[] = []
  const state = { status: 200 }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => { body += String(chunk) })
    req.on('end', () => {
      if (state.status >= 200 && state.status < 300) received.push({ headers: req.headers, body })
      res.writeHead(state.status).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, state }
}

async function sandboxSync (app: TestApp, call: Call, hostJobId: string, applicants: number) {
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: hostJobId } })).json().id
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants }, publicationType: 'standard', publish: true })).json()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  return pub
}

const makeDue = async (app: TestApp) => { await app.db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute() }

t.test('a receiver that is down gets every event once it is back, signed, in order per candidate', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const hook = await receiver(t)
  const created = await call('POST', '/v1/webhooks', { url: hook.url, events: ['application.created', 'application.updated', 'publication.status_changed'] })
  t.equal(created.statusCode, 201)
  const { id, secret } = created.json()
  t.match(secret, /^whsec_/)
  t.notOk((await call('GET', `/v1/webhooks/${id}`)).body.includes(secret), 'the secret is shown once')

  hook.state.status = 503
  await sandboxSync(app, call, 'hooks-1', 6)
  await app.app.dispatcher.drain()
  const pending = (await call('GET', `/v1/webhooks/${id}/deliveries`)).json().items
  t.ok(pending.length >= 8, `${pending.length} deliveries (2 status changes + 6 applications)`)
  t.ok(pending.every((d: { status: string }) => d.status === 'pending'), 'all waiting to be retried')
  // one at a time per candidate and per publication: the first of each was tried, the rest wait their turn
  t.ok(pending.filter((d: { attempts: number }) => d.attempts >= 1).length >= 2, 'the first of each subject was tried')
  t.equal(hook.received.length, 0)

  hook.state.status = 204
  for (let i = 0; i < 5; i++) { await makeDue(app); await app.app.dispatcher.drain() }
  const deliveries = (await call('GET', `/v1/webhooks/${id}/deliveries`)).json().items
  t.ok(deliveries.every((d: { status: string }) => d.status === 'delivered'), 'all delivered')
  t.equal(hook.received.length, deliveries.length, 'each once')
  t.match(deliveries[0].attemptLog, [{ statusCode: 503 }, { statusCode: 204 }])

  const events = hook.received.map(r => JSON.parse(r.body))
  t.same(events.filter(e => e.type === 'application.created').length, 6)
  for (const event of events) t.same(documented(event), [], `${event.type} is what the OpenAPI webhooks section says`)
  for (const r of hook.received) {
    t.ok(verify(secret, { id: String(r.headers['webhook-id']), timestamp: String(r.headers['webhook-timestamp']), signature: String(r.headers['webhook-signature']) }, r.body), 'signature verifies')
  }
  const first = hook.received[0]!
  t.notOk(verify(secret, { id: String(first.headers['webhook-id']), timestamp: String(first.headers['webhook-timestamp']), signature: String(first.headers['webhook-signature']) }, first.body.replace('"', '" ')), 'a changed body does not')
  t.notOk(verify('whsec_wrong', { id: String(first.headers['webhook-id']), timestamp: String(first.headers['webhook-timestamp']), signature: String(first.headers['webhook-signature']) }, first.body), 'nor another secret')

  // publication events in the order they happened
  const statuses = events.filter(e => e.type === 'publication.status_changed').map(e => `${e.data.from ?? 'new'}→${e.data.to}`)
  t.same(statuses, ['new→draft', 'draft→published'])
})

t.test('a 4xx fails at once; redelivery sends it again', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const hook = await receiver(t)
  const { id } = (await call('POST', '/v1/webhooks', { url: hook.url, events: ['publication.status_changed'] })).json()
  hook.state.status = 410
  await sandboxSync(app, call, 'hooks-2', 1)
  await app.app.dispatcher.drain()
  const failed = (await call('GET', `/v1/webhooks/${id}/deliveries`)).json().items
  t.ok(failed.every((d: { status: string, attempts: number }) => d.status === 'failed' && d.attempts === 1))
  hook.state.status = 200
  const again = await call('POST', `/v1/webhooks/${id}/deliveries/${failed[0].id}/redeliver`)
  t.equal(again.statusCode, 202)
  t.equal((await call('POST', `/v1/webhooks/${id}/deliveries/${failed[0].id}/redeliver`)).statusCode, 409, 'already queued')
  await app.app.dispatcher.drain()
  t.equal(hook.received.length, 1)
})

t.test('an endpoint failing for a day is disabled; turning it back on resumes', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const hook = await receiver(t)
  const { id } = (await call('POST', '/v1/webhooks', { url: hook.url, events: ['publication.status_changed'] })).json()
  const watcher = await receiver(t)
  await call('POST', '/v1/webhooks', { url: watcher.url, events: ['integration.failed'] })
  hook.state.status = 500
  await sandboxSync(app, call, 'hooks-3', 1)
  await app.app.dispatcher.drain()
  await app.db.updateTable('webhooks').set({ failing_since: new Date(Date.now() - 25 * 3600_000) }).where('id', '=', id).execute()
  await makeDue(app)
  await app.app.dispatcher.drain()
  t.match((await call('GET', `/v1/webhooks/${id}`)).json(), { status: 'disabled', disabledReason: /24 hours/ })
  await app.app.dispatcher.drain()
  const notices = watcher.received.map(r => JSON.parse(r.body))
  t.match(notices, [{ type: 'integration.failed', data: { webhookId: id, url: hook.url, status: 'disabled', error: { code: 'JOBSYNC_ERR_WEBHOOK_DISABLED' } } }],
    'the tenant\'s other endpoint hears that this one was switched off')
  t.same(documented(notices[0]), [])
  hook.state.status = 200
  await makeDue(app)
  await app.app.dispatcher.drain()
  t.equal(hook.received.length, 0, 'nothing goes to a disabled endpoint')
  t.equal((await call('PATCH', `/v1/webhooks/${id}`, { status: 'active' })).json().status, 'active')
  await makeDue(app)
  await app.app.dispatcher.drain()
  t.ok(hook.received.length >= 1, 'the queued events go out')
})

t.test('bad webhooks are refused; other tenants see none', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const stranger = await tenantCaller(app)
  t.match(problemOf(await call('POST', '/v1/webhooks', { url: 'ftp://x', events: [] })).errors.map((e: { pointer: string }) => e.pointer).sort(), ['/events', '/url'])
  t.equal((await call('POST', '/v1/webhooks', { url: 'https://h.example/x', events: ['nope'] })).statusCode, 400)
  const { id } = (await call('POST', '/v1/webhooks', { url: 'https://h.example/x', events: ['sync.failed'] })).json()
  t.equal((await stranger('GET', `/v1/webhooks/${id}`)).statusCode, 404)
  t.equal((await stranger('DELETE', `/v1/webhooks/${id}`)).statusCode, 404)
  t.equal((await call('DELETE', `/v1/webhooks/${id}`)).statusCode, 204)
})
