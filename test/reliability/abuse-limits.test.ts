// Abuse limits (issue 16, item 7): failed authentications cost a budget per client address and per
// key prefix, past which the caller gets 429 with Retry-After before its key is looked at; a key
// that works is never locked out by someone else's failures; and every 429 the API sends, whatever
// its cause, says when to come back.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN_KEY, bearer, build, problemOf } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { installAccount, LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'
import { scenarioOf } from '../fakes/index.js'

const boards = await startFakeBoards()

const LIMIT = { AUTH_FAILURES_MAX: '5', AUTH_FAILURES_WINDOW_SECONDS: '60' }

/** a key of the tenant's with its secret changed: the prefix is real, the key is not */
const forge = (key: string) => key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA')

t.test('wrong secrets for a known prefix: 401 up to the budget, then 429 with Retry-After from any address', async t => {
  const { app, tenant } = await build(t, { env: LIMIT })
  const victim = await tenant()
  const forged = forge(victim.key)
  for (let i = 0; i < 5; i++) {
    // a different address each time: the prefix's own budget is what runs out
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(forged), remoteAddress: `10.1.0.${i + 1}` })
    t.equal(res.statusCode, 401, `attempt ${i + 1} is an ordinary 401`)
  }
  const limited = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(forged), remoteAddress: '10.1.0.99' })
  t.equal(limited.statusCode, 429)
  const problem = problemOf(limited)
  t.match(problem, { status: 429, code: 'JOBSYNC_ERR_RATE_LIMITED' })
  const retryAfter = Number(limited.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After is whole seconds within the window: ${String(limited.headers['retry-after'])}`)
  t.equal(problem.retryAfterSeconds, retryAfter, 'the body says the same wait')
  // the secret is all after `jsk_<prefix>_` (base64url: it may hold '_' itself)
  t.notOk(limited.body.includes(victim.key.split('_').slice(2).join('_')), 'the secret is not echoed')

  // the real key of that prefix, never used before in this process, is limited like any other
  // caller of the prefix; once it has worked, nobody else's failures hold it back
  const other = await tenant()
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(other.key), remoteAddress: '10.1.0.99' })).statusCode, 200, 'another prefix from the same address is not limited')
})

t.test('a key that works is never locked out by failures at its prefix or from its address', async t => {
  const { app, tenant } = await build(t, { env: LIMIT })
  const host = await tenant()
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(host.key), remoteAddress: '10.2.0.1' })).statusCode, 200)
  // an attacker at the host's own address hammers the host's prefix
  for (let i = 0; i < 8; i++) await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(forge(host.key)), remoteAddress: '10.2.0.1' })
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(forge(host.key)), remoteAddress: '10.2.0.1' })).statusCode, 429, 'the attacker is limited')
  const me = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(host.key), remoteAddress: '10.2.0.1' })
  t.equal(me.statusCode, 200, 'the host goes on')
  t.equal(me.json().tenant.id, host.id)

  // a revoked key is looked up once more (it worked before) and refused; from then on it is a
  // failure like any other, held back without a lookup
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${host.keyId}`, headers: bearer(ADMIN_KEY), remoteAddress: '10.2.0.200' })).statusCode, 200)
  const revoked = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(host.key), remoteAddress: '10.2.0.1' })
  t.equal(revoked.statusCode, 401)
  t.match(problemOf(revoked).detail, /revoked/)
  const again = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(host.key), remoteAddress: '10.2.0.1' })
  t.equal(again.statusCode, 429, 'then limited like any wrong key')
})

t.test('one address trying many prefixes runs out of its own budget; other addresses are untouched', async t => {
  const { app, tenant } = await build(t, { env: LIMIT })
  const { key } = await tenant()
  const random = (i: number) => `jsk_${String(i).padStart(10, '0')}_${'x'.repeat(43)}`
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(random(i)), remoteAddress: '10.3.0.1' })).statusCode, 401)
  // a missing or malformed key counts too
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', remoteAddress: '10.3.0.1' })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer('nonsense'), remoteAddress: '10.3.0.1' })).statusCode, 401)
  const limited = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(random(9)), remoteAddress: '10.3.0.1' })
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) >= 1)
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(random(9)), remoteAddress: '10.3.0.2' })).statusCode, 401, 'another address is still only told 401')
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key), remoteAddress: '10.3.0.2' })).statusCode, 200)
})

t.test('the budget comes back when the window ends', async t => {
  const { app } = await build(t, { env: { AUTH_FAILURES_MAX: '2', AUTH_FAILURES_WINDOW_SECONDS: '1' } })
  const wrong = bearer(`jsk_${'w'.repeat(10)}_${'x'.repeat(43)}`)
  for (let i = 0; i < 2; i++) await app.inject({ method: 'GET', url: '/v1/me', headers: wrong })
  const limited = await app.inject({ method: 'GET', url: '/v1/me', headers: wrong })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['retry-after'], '1')
  await sleep(1_100)
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: wrong })).statusCode, 401, 'looked at again after the window')
})

t.test('every 429 has Retry-After: a manual sync asked too soon, a board that asks us to wait, one that does not say', async t => {
  const { app, tenant } = await build(t, { env: { ...boards.env, MANUAL_SYNC_MIN_INTERVAL_SECONDS: '3600' } })
  const { key } = await tenant()
  const call: Call = async (method, url, payload) => await app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })

  // our own limit: the wait left of MANUAL_SYNC_MIN_INTERVAL_SECONDS
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'retry-after' } })).json().id as string
  await call('PUT', '/v1/jobs/retry-after', { title: 'Retry after', description: LONG_DESCRIPTION })
  const pub = (await call('POST', '/v1/jobs/retry-after/publications', { integrationId, fields: { applicants: 1 }, publicationType: 'standard', publish: true })).json()
  await app.scheduler.idle()
  t.equal((await call('POST', `/v1/publications/${pub.id as string}/sync`)).statusCode, 202)
  await app.scheduler.idle()
  const tooSoon = await call('POST', `/v1/publications/${pub.id as string}/sync`)
  t.equal(tooSoon.statusCode, 429)
  const wait = Number(tooSoon.headers['retry-after'])
  t.ok(wait > 3500 && wait <= 3600, `Retry-After is the interval left: ${String(tooSoon.headers['retry-after'])}`)
  t.equal(problemOf(tooSoon).retryAfterSeconds, wait)

  // a board's 429 with a Retry-After longer than we wait: passed on
  const djinni = scenarioOf('djinni')
  boards.djinni.server.inject({ status: 429, headers: { 'retry-after': '3600' }, times: 5 })
  const asked = await installAccount(call, 'djinni', djinni.newAccount(boards.djinni))
  boards.djinni.server.clearFaults()
  t.equal(asked.statusCode, 429)
  t.equal(problemOf(asked).code, 'JOBSYNC_ERR_BOARD_RATE_LIMITED')
  t.equal(asked.headers['retry-after'], '3600')

  // a board that kept answering 429 without saying how long: a default wait, still whole seconds
  boards.djinni.server.inject({ status: 429, times: 5 })
  const unsaid = await installAccount(call, 'djinni', djinni.newAccount(boards.djinni))
  boards.djinni.server.clearFaults()
  t.equal(unsaid.statusCode, 429)
  t.match(unsaid.headers['retry-after'], /^[1-9]\d*$/)
})
