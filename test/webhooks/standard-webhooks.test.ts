// Standard Webhooks: real deliveries verified by the `standardwebhooks` package (what a host would
// use), and by the by-hand recipe of the README. A webhook made before the change keeps signing the
// old way (its host's recipe keeps working) until its secret is rotated; the migration marks the
// webhooks that exist as legacy and new ones as standard.
import t from 'tap'
import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { createSecretBox } from '../../src/crypto/secrets.js'
import { createMigrator, migrateToLatest } from '../../src/db/migrate.js'
import { build, SECRETS_KEY, type TestApp } from '../helpers/app.js'
import { createEmptyTestDb } from '../helpers/db.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

interface Received { headers: IncomingHttpHeaders, body: string }

async function receiver (t: { teardown: (fn: () => unknown) => void }) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => { body += String(chunk) })
    req.on('end', () => { received.push({ headers: req.headers, body }); res.writeHead(204).end() })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received }
}

/** a sandbox publication: its status changes are events to deliver */
async function publish (app: TestApp, call: Call, hostJobId: string) {
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: hostJobId } })).json().id
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants: 0 }, publicationType: 'standard', publish: true })
  if (res.statusCode !== 201) throw new Error(`publish: ${res.statusCode} ${res.body}`)
  await app.app.dispatcher.drain()
}

const headersOf = (r: Received): Record<string, string> => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature'])
})

/** the README's by-hand recipe */
const byHand = (secret: string, r: Received): string => 'v1,' + createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
  .update(`${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`).digest('base64')

/** how hosts verified before Standard Webhooks: the whole secret string as the key, `v1=` */
const oldRecipe = (secret: string, r: Received): string => 'v1=' + createHmac('sha256', secret)
  .update(`${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`).digest('base64')

t.test('a new webhook is signed the Standard Webhooks way', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const hook = await receiver(t)
  const created = await call('POST', '/v1/webhooks', { url: hook.url, events: ['publication.status_changed'] })
  t.equal(created.statusCode, 201)
  const { secret, signingScheme } = created.json()
  t.equal(signingScheme, 'standard')
  t.match(secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/, 'whsec_ and standard base64')
  t.equal(Buffer.from(secret.slice(6), 'base64').length, 32, 'the key is 32 random bytes')

  await publish(app, call, 'std-1')
  t.ok(hook.received.length >= 2, `${hook.received.length} deliveries`)
  const verifier = new Webhook(secret)
  const now = Math.floor(Date.now() / 1000)
  for (const r of hook.received) {
    const event = verifier.verify(r.body, headersOf(r)) as { id: string, type: string }
    t.equal(event.type, 'publication.status_changed', 'standardwebhooks verifies it and hands back the event')
    t.equal(r.headers['webhook-id'], event.id, 'webhook-id is the event id')
    t.match(String(r.headers['webhook-timestamp']), /^\d+$/, 'webhook-timestamp is whole seconds')
    t.ok(Math.abs(Number(r.headers['webhook-timestamp']) - now) <= 60, 'of about now')
    t.match(String(r.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+={0,2}$/)
    t.equal(r.headers['webhook-signature'], byHand(secret, r), 'the by-hand recipe gives the same signature')
  }

  const first = hook.received[0]!
  t.throws(() => verifier.verify(first.body.replace('"', '" '), headersOf(first)), 'a changed body fails')
  t.throws(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(first.body, headersOf(first)), 'so does another secret')
  t.throws(() => verifier.verify(first.body, { ...headersOf(first), 'webhook-id': '00000000-0000-4000-8000-000000000000' }), 'and another id')
  t.throws(() => verifier.verify(first.body, { ...headersOf(first), 'webhook-timestamp': String(now - 3600) }), 'and an hour-old timestamp')
})

t.test('a webhook made before keeps the old recipe until its secret is rotated', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const hook = await receiver(t)
  const { id } = (await call('POST', '/v1/webhooks', { url: hook.url, events: ['publication.status_changed'] })).json()
  // what a webhook made before looks like: a base64url secret, and the scheme the migration gave it
  const oldSecret = `whsec_${randomBytes(24).toString('base64url')}`
  const sealed = createSecretBox(SECRETS_KEY).seal(oldSecret)
  await app.db.updateTable('webhooks').set({ secret: sealed.data, secret_key_id: sealed.keyId, signing_scheme: 'legacy' }).where('id', '=', id).execute()
  t.equal((await call('GET', `/v1/webhooks/${id}`)).json().signingScheme, 'legacy', 'the API says which recipe it is on')

  await publish(app, call, 'legacy-1')
  const before = hook.received.splice(0)
  t.ok(before.length >= 2, `${before.length} deliveries`)
  for (const r of before) t.equal(r.headers['webhook-signature'], oldRecipe(oldSecret, r), 'signed as before: the host verifying the old way still can')

  const rotated = await call('POST', `/v1/webhooks/${id}/rotate-secret`)
  t.equal(rotated.statusCode, 200)
  const { secret, signingScheme } = rotated.json()
  t.equal(signingScheme, 'standard')
  t.not(secret, oldSecret)
  t.notOk((await call('GET', `/v1/webhooks/${id}`)).body.includes(secret), 'the new secret is shown once')
  t.equal((await call('GET', `/v1/webhooks/${id}`)).json().signingScheme, 'standard')

  await publish(app, call, 'legacy-2')
  t.ok(hook.received.length >= 2)
  for (const r of hook.received) {
    t.ok(new Webhook(secret).verify(r.body, headersOf(r)), 'verified by standardwebhooks with the new secret')
    t.not(r.headers['webhook-signature'], oldRecipe(oldSecret, r), 'the old secret signs nothing more')
  }
})

t.test('rotating is per tenant and says what is missing', async t => {
  const app = await build(t)
  const alpha = await tenantCaller(app)
  const bravo = await tenantCaller(app)
  const { id } = (await alpha('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['publication.status_changed'] })).json()
  const res = await bravo('POST', `/v1/webhooks/${id}/rotate-secret`)
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'JOBSYNC_ERR_NOT_FOUND')
  t.notOk(res.body.includes('whsec_'))
  const bad = await alpha('POST', '/v1/webhooks/not-a-uuid/rotate-secret')
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ in: 'path', pointer: '/id' }])
})

t.test('the migration keeps the webhooks that exist on the old recipe; new ones are standard', async t => {
  const handle = await createEmptyTestDb()
  t.teardown(async () => { await handle.close(); await handle.drop() })
  const migrations = await createMigrator(handle.db).getMigrations()
  const mine = migrations.findIndex(m => m.name.endsWith('_webhook-signing-scheme'))
  t.ok(mine > 0)
  const { error } = await createMigrator(handle.db).migrateTo(migrations[mine - 1]!.name)
  t.equal(error, undefined)
  const tenant = await sql<{ id: string }>`insert into tenants (name) values ('before') returning id`.execute(handle.db)
  const tenantId = tenant.rows[0]!.id
  await sql`insert into webhooks (tenant_id, url, events, secret, secret_key_id) values (${tenantId}, 'http://127.0.0.1:9/old', ${['publication.status_changed']}, ${Buffer.from('x')}, 'k')`.execute(handle.db)
  await migrateToLatest(handle.db)
  await sql`insert into webhooks (tenant_id, url, events, secret, secret_key_id) values (${tenantId}, 'http://127.0.0.1:9/new', ${['publication.status_changed']}, ${Buffer.from('x')}, 'k')`.execute(handle.db)
  const rows = await handle.db.selectFrom('webhooks').select(['url', 'signing_scheme']).orderBy('url').execute()
  t.same(rows, [{ url: 'http://127.0.0.1:9/new', signing_scheme: 'standard' }, { url: 'http://127.0.0.1:9/old', signing_scheme: 'legacy' }])
})
