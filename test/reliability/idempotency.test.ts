// Idempotency-Key on every POST of the OpenAPI document (a new POST is covered without touching this
// file): documented, the same key and request answered again without acting twice (the database
// is unchanged by the retry), another request with the key refused. Then on chosen routes: two at
// once, a 5xx that is not kept, keys per owner, bad keys, and keys that expire and are pruned.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import type { BoardImplementation } from '../../src/boards/types.js'
import { ADMIN_KEY, bearer, build, type TestApp } from '../helpers/app.js'
import { databaseChecksums } from '../helpers/db-contents.js'
import { sandboxVariant } from '../helpers/posting-life.js'
import { documentedOperations, nameOf, type Operation } from '../helpers/routes.js'
import { requestOf as ownersRequest, seedTenant, type TenantData } from '../helpers/tenant-data.js'

/** a checksum of every table but the key store itself: equal when nothing was done */
async function databaseState (app: TestApp): Promise<Record<string, string>> {
  const { idempotency_keys: _keys, ...rest } = await databaseChecksums(app.db)
  return rest
}

/** the headers a retry must give again: all but the request's own id and the clock */
const headersOf = (res: LightMyRequestResponse) => {
  const { 'x-request-id': _id, date: _date, 'idempotent-replayed': _replayed, ...rest } = res.headers
  return rest
}

const codeOf = (res: LightMyRequestResponse) => String(res.headers['content-type']).startsWith('application/problem+json') ? res.json().code : undefined

t.test('every POST of the document takes Idempotency-Key', async t => {
  const testApp = await build(t)
  const { app } = testApp
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, any>> }
  const posts = (await documentedOperations(app)).filter(op => op.method === 'POST' && op.auth !== 'none')
  t.ok(posts.length >= 19, `${posts.length} POST routes`)
  const alpha = await seedTenant(testApp, 'alpha')
  // the state waits for what requests started in the background (catalogue refreshes)
  const settled = async () => { await app.dictionaries.idle(); return await databaseState(testApp) }

  t.test('the document says so on each', async t => {
    for (const op of posts) {
      const documented = doc.paths[op.path]!.post
      const header = (documented.parameters as Array<{ in: string, name: string, required?: boolean, schema: { maxLength?: number } }>).find(p => p.in === 'header' && p.name === 'idempotency-key')
      t.ok(header, `${nameOf(op)} documents the header`)
      t.notOk(header?.required, 'optional')
      t.equal(header?.schema.maxLength, 255)
      t.ok(op.responses.includes(409) && op.responses.includes(422), `${nameOf(op)} documents 409 and 422`)
    }
    const reads = (await documentedOperations(app)).filter(op => op.method !== 'POST')
    for (const op of reads) {
      const parameters = (doc.paths[op.path]![op.method.toLowerCase()].parameters ?? []) as Array<{ name: string }>
      t.notOk(parameters.some(p => p.name === 'idempotency-key'), `${nameOf(op)} does not take it`)
    }
  })

  /** the request of `op` as alpha (or the admin, on admin routes) makes it, with the key */
  const requestOf = (op: Operation, data: TenantData, key: string) => ({
    ...ownersRequest(op, data),
    headers: { ...bearer(op.auth === 'admin' ? ADMIN_KEY : data.key), 'idempotency-key': key }
  })

  t.test('the same key and request: the first answer again, acted on once; another request: 422', async t => {
    // a key each owner has used for some other request
    const usedByAlpha = randomUUID()
    const usedByAdmin = randomUUID()
    t.equal((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: { ...bearer(alpha.key), 'idempotency-key': usedByAlpha }, payload: { url: 'http://127.0.0.1:9/used', events: ['application.created'] } })).statusCode, 201)
    t.equal((await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: { ...bearer(ADMIN_KEY), 'idempotency-key': usedByAdmin }, payload: { name: 'used' } })).statusCode, 201)

    for (const op of posts) {
      const request = requestOf(op, alpha, randomUUID())
      const first = await app.inject(request)
      t.ok(first.statusCode < 500 && first.statusCode !== 429, `${nameOf(op)} answers something to keep: ${first.statusCode} ${first.body.slice(0, 200)}`)
      t.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is no replay')
      const before = await settled()

      const again = await app.inject(request)
      t.equal(again.statusCode, first.statusCode, `${nameOf(op)}: the same status`)
      t.equal(again.body, first.body, `${nameOf(op)}: the same body`)
      t.same(headersOf(again), headersOf(first), `${nameOf(op)}: the same headers`)
      t.equal(again.headers['idempotent-replayed'], 'true')
      t.not(again.headers['x-request-id'], first.headers['x-request-id'], 'with its own request id')

      const other = await app.inject({ ...request, headers: { ...request.headers, 'idempotency-key': op.auth === 'admin' ? usedByAdmin : usedByAlpha } })
      t.equal(other.statusCode, 422, `${nameOf(op)} with a key used for another request: ${other.body.slice(0, 200)}`)
      t.equal(codeOf(other), 'JOBSYNC_ERR_IDEMPOTENCY_KEY_REUSED')
      t.match(other.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])

      t.same(await settled(), before, `${nameOf(op)}: neither the retry nor the refused request changed anything`)
    }
  })
})

/** the sandbox whose account check waits for `gate.open()` (or fails with `gate.fail()`) */
function gatedSandbox () {
  let release: (() => void) | undefined
  let reject: ((error: Error) => void) | undefined
  let waiting: Promise<void> = Promise.resolve()
  let entered = 0
  const gate = {
    get entered () { return entered },
    close () { waiting = new Promise((resolve, rejectWith) => { release = resolve; reject = rejectWith }) },
    open () { release?.() },
    fail () { reject?.(new Error('the account check broke')) }
  }
  const boards = sandboxVariant(base => ({
    checkAccount: async (...args: Parameters<BoardImplementation['checkAccount']>) => {
      entered++
      await waiting
      return await base.checkAccount(...args)
    }
  }))
  return { gate, boards }
}

const install = { board: 'sandbox', name: 'keyed', credentials: {} }

t.test('two at once: one acts, the other gets 409 until it has finished, then its answer', async t => {
  const { gate, boards } = gatedSandbox()
  const app = await build(t, { boards })
  const { key } = await app.tenant()
  const send = async (idempotencyKey: string, payload: object = install) => await app.app.inject({ method: 'POST', url: '/v1/integrations', headers: { ...bearer(key), 'idempotency-key': idempotencyKey }, payload })
  const k = randomUUID()

  gate.close()
  const first = send(k)
  while (gate.entered === 0) await new Promise(resolve => setTimeout(resolve, 5))
  const second = await send(k)
  t.equal(second.statusCode, 409)
  t.equal(codeOf(second), 'JOBSYNC_ERR_IDEMPOTENCY_KEY_IN_PROGRESS')
  t.equal(second.headers['retry-after'], '1', 'says when to try again')
  const otherBody = await send(k, { ...install, name: 'other' })
  t.equal(otherBody.statusCode, 422, 'another body is refused even while the first runs')
  t.equal(gate.entered, 1, 'only the first reached the board')

  gate.open()
  const answered = await first
  t.equal(answered.statusCode, 201, answered.body)
  const third = await send(k)
  t.equal(third.statusCode, 201)
  t.equal(third.body, answered.body, 'the first answer')
  t.equal(gate.entered, 1, 'still acted once')
  const listed = (await app.app.inject({ method: 'GET', url: '/v1/integrations', headers: bearer(key) })).json().items
  t.equal(listed.length, 1, 'one integration')
})

t.test('a 5xx is not kept: the retry with the key acts', async t => {
  const { gate, boards } = gatedSandbox()
  const app = await build(t, { boards })
  const { key } = await app.tenant()
  const send = async (idempotencyKey: string) => await app.app.inject({ method: 'POST', url: '/v1/integrations', headers: { ...bearer(key), 'idempotency-key': idempotencyKey }, payload: install })
  const k = randomUUID()
  gate.close()
  const first = send(k)
  while (gate.entered === 0) await new Promise(resolve => setTimeout(resolve, 5))
  gate.fail()
  t.equal((await first).statusCode, 500)
  gate.close(); gate.open()
  const retry = await send(k)
  t.equal(retry.statusCode, 201, retry.body)
  t.equal(retry.headers['idempotent-replayed'], undefined, 'acted, not replayed')
  t.equal(gate.entered, 2)
  t.equal((await send(k)).headers['idempotent-replayed'], 'true', 'and that answer is kept')
})

t.test('keys belong to their owner; no key acts every time; a bad key is named', async t => {
  const app = await build(t)
  const alpha = await app.tenant()
  const bravo = await app.tenant()
  const hook = { url: 'http://127.0.0.1:9/hooks', events: ['application.created'] }
  const send = async (key: string, payload: object, idempotencyKey?: string) => await app.app.inject({
    method: 'POST', url: '/v1/webhooks', payload, headers: { ...bearer(key), ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) }
  })
  const count = async (key: string) => (await app.app.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(key) })).json().items.length as number

  const k = randomUUID()
  const a = await send(alpha.key, hook, k)
  const b = await send(bravo.key, hook, k)
  t.equal(a.statusCode, 201)
  t.equal(b.statusCode, 201, 'the same key is another tenant\'s own')
  t.not(a.json().id, b.json().id)
  t.notOk(b.body.includes(a.json().id), "and never answers with alpha's")
  const stored = await app.db.selectFrom('idempotency_keys').select('response').where('tenant_id', '=', alpha.id).where('key', '=', k).executeTakeFirstOrThrow()
  t.ok(stored.response !== null && stored.response.length > 0, 'the answer is stored')
  t.notOk(Buffer.from(stored.response!).toString('latin1').includes(a.json().secret), 'sealed: the webhook secret it shows is not readable in the database')

  // another API key of the same tenant shares its keys
  const issued = await app.app.inject({ method: 'POST', url: `/v1/admin/tenants/${alpha.id}/api-keys`, headers: bearer(ADMIN_KEY), payload: { name: 'second' } })
  const again = await send(issued.json().key, hook, k)
  t.equal(again.body, a.body, "alpha's second key gets alpha's answer")
  t.equal(await count(alpha.key), 1)

  // the same body with its fields in another order is the same request
  const reordered = await send(alpha.key, { events: hook.events, url: hook.url }, k)
  t.equal(reordered.body, a.body)
  const other = await send(alpha.key, { ...hook, description: 'another' }, k)
  t.equal(other.statusCode, 422)

  t.equal((await send(alpha.key, hook)).statusCode, 201)
  t.equal((await send(alpha.key, hook)).statusCode, 201)
  t.equal(await count(alpha.key), 3, 'without a key every POST acts')

  for (const bad of ['', 'x'.repeat(256), 'has space']) {
    const res = await send(alpha.key, hook, bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.match(res.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])
  }
  t.equal(await count(alpha.key), 3, 'a bad key acts on nothing')

  // admin calls: the admin's own keys
  const adminSend = async (idempotencyKey: string, name: string) => await app.app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: { ...bearer(ADMIN_KEY), 'idempotency-key': idempotencyKey }, payload: { name } })
  const made = await adminSend(k, 'once only')
  t.equal(made.statusCode, 201, "the tenants' key is not the admin's")
  t.equal((await adminSend(k, 'once only')).body, made.body)
  const tenants = (await app.app.inject({ method: 'GET', url: '/v1/admin/tenants?limit=200', headers: bearer(ADMIN_KEY) })).json().items as Array<{ name: string }>
  t.equal(tenants.filter(x => x.name === 'once only').length, 1, 'one tenant made')
})

t.test('after 24 hours a key answers no more and is pruned', async t => {
  const app = await build(t)
  const { key } = await app.tenant()
  const hook = { url: 'http://127.0.0.1:9/hooks', events: ['application.created'] }
  const send = async (idempotencyKey: string) => await app.app.inject({ method: 'POST', url: '/v1/webhooks', payload: hook, headers: { ...bearer(key), 'idempotency-key': idempotencyKey } })
  const old = randomUUID()
  const fresh = randomUUID()
  const first = await send(old)
  await send(fresh)
  const dayAgo = new Date(Date.now() - 24 * 3600_000 - 60_000)
  await app.db.updateTable('idempotency_keys').set({ created_at: dayAgo }).where('key', '=', old).execute()

  const later = await send(old)
  t.equal(later.statusCode, 201)
  t.not(later.json().id, first.json().id, 'an expired key acts anew')
  t.equal(later.headers['idempotent-replayed'], undefined)

  await app.db.updateTable('idempotency_keys').set({ created_at: dayAgo }).where('key', '=', old).execute()
  t.equal(await app.app.idempotencyPrune.tick(), 1, 'the prune forgets the old key')
  const left = await app.db.selectFrom('idempotency_keys').select('key').where('key', 'in', [old, fresh]).execute()
  t.same(left.map(r => r.key), [fresh], 'and keeps the fresh one')
  t.equal((await send(fresh)).headers['idempotent-replayed'], 'true')
})

t.test("a tenant's keys go with it", async t => {
  const app = await build(t)
  const tenant = await app.tenant()
  await app.app.inject({ method: 'POST', url: '/v1/webhooks', payload: { url: 'http://127.0.0.1:9/hooks', events: ['application.created'] }, headers: { ...bearer(tenant.key), 'idempotency-key': randomUUID() } })
  t.equal((await app.db.selectFrom('idempotency_keys').select('key').where('tenant_id', '=', tenant.id).execute()).length, 1)
  await app.db.deleteFrom('tenants').where('id', '=', tenant.id).execute()
  t.equal((await app.db.selectFrom('idempotency_keys').select('key').where('tenant_id', '=', tenant.id).execute()).length, 0)
})
