// GET /v1/integrations/{id}/publication-types: the quota before publishing. The sandbox's featured
// type runs out; the counts are asked of the board and kept briefly; a board that cannot be asked
// answers with the last counts, or its problem.
import t from 'tap'
import { BoardError } from '../../src/boards/errors.js'
import { bearer, build, problemOf, type TestApp } from '../helpers/app.js'
import { controlledSandbox } from '../helpers/dictionary-boards.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

async function install (call: Call, credentials: object = {}): Promise<string> {
  const res = await call('POST', '/v1/integrations', { board: 'sandbox', name: `types ${Math.random()}`, credentials: { accountName: `a-${Math.random()}`, ...credentials } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id
}

async function publish (call: Call, integrationId: string, hostJobId: string, publicationType: string) {
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: 'Engineer', description: LONG_DESCRIPTION })
  return await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants: 0 }, publicationType, publish: true })
}

t.test('the sandbox: a free type that is not counted, a paid one that runs out', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await install(call)
  const types = async () => (await call('GET', `/v1/integrations/${integrationId}/publication-types`)).json()

  const first = await types()
  t.same(first.items, [
    { id: 'standard', name: 'Standard (free)', paid: false, remaining: null },
    { id: 'featured', name: 'Featured (paid)', paid: true, remaining: 2 }
  ])
  t.type(first.checkedAt, 'string')

  t.equal((await publish(call, integrationId, 'pt-1', 'featured')).statusCode, 201)
  t.equal((await types()).items[1].remaining, 1, 'a publish through this replica shows at once')
  t.equal((await publish(call, integrationId, 'pt-2', 'standard')).statusCode, 201)
  t.equal((await types()).items[1].remaining, 1, 'a free publish spends nothing')
  t.equal((await publish(call, integrationId, 'pt-3', 'featured')).statusCode, 201)
  t.equal((await types()).items[1].remaining, 0)

  const refused = await publish(call, integrationId, 'pt-4', 'featured')
  t.equal(refused.statusCode, 422)
  t.match(problemOf(refused), { code: 'JOBSYNC_ERR_BOARD_QUOTA', publicationStatus: 'error', detail: /no paid featured publications left/ })
  t.equal((await publish(call, integrationId, 'pt-5', 'standard')).statusCode, 201, 'the free type still publishes')

  const other = await install(call, { featuredPublications: 5 })
  t.equal((await call('GET', `/v1/integrations/${other}/publication-types`)).json().items[1].remaining, 5, 'each account its own quota, given at install')
  const none = await install(call, { featuredPublications: 0 })
  t.equal((await call('GET', `/v1/integrations/${none}/publication-types`)).json().items[1].remaining, 0)
})

t.test('two featured publishes racing for the last one: one gets it', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const integrationId = await install(call, { featuredPublications: 1 })
  await call('PUT', '/v1/jobs/race-1', { title: 'Engineer', description: LONG_DESCRIPTION })
  await call('PUT', '/v1/jobs/race-2', { title: 'Engineer', description: LONG_DESCRIPTION })
  const results = await Promise.all(['race-1', 'race-2'].map(async job => await call('POST', `/v1/jobs/${job}/publications`, { integrationId, fields: { applicants: 0 }, publicationType: 'featured', publish: true })))
  t.same(results.map(r => r.statusCode).sort(), [201, 422])
  t.equal((await call('GET', `/v1/integrations/${integrationId}/publication-types`)).json().items[1].remaining, 0)
})

t.test('counts are kept briefly; a board that cannot be asked answers with the last ones, or its problem', async t => {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards, env: { PUBLICATION_TYPES_CACHE_SECONDS: '60' } })
  // a second replica that keeps nothing, on the same database
  const replica = await build(t, { boards: control.boards, env: { PUBLICATION_TYPES_CACHE_SECONDS: '0' } })
  const { key } = await app.tenant()
  const on = (a: TestApp): Call => async (method, url, payload) => await a.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  const call = on(app)
  const other = on(replica)
  const integrationId = await install(call)
  const url = `/v1/integrations/${integrationId}/publication-types`

  control.fail.quota = () => new BoardError({ board: 'sandbox', kind: 'timeout', detail: 'the sandbox did not answer' })
  const nothing = await call('GET', url)
  t.equal(nothing.statusCode, 504)
  t.equal(problemOf(nothing).code, 'JOBSYNC_ERR_BOARD_TIMEOUT')
  control.fail.quota = undefined

  const first = (await call('GET', url)).json()
  await call('GET', url)
  t.equal(control.quotaCalls, 2, 'asked once more, then kept')

  const fresh = (await other('GET', url)).json()
  t.equal(control.quotaCalls, 3)
  t.same(fresh.items, first.items)
  control.fail.quota = () => new BoardError({ board: 'sandbox', kind: 'unavailable', detail: 'down' })
  const stale = await other('GET', url)
  t.equal(stale.statusCode, 200, 'the board is down: the last counts')
  t.same(stale.json(), fresh, 'with the time they were asked')
  t.equal(control.quotaCalls, 4, 'it was asked')

  control.fail.quota = () => new BoardError({ board: 'sandbox', kind: 'invalid_credentials', detail: 'revoked', boardStatus: 401 })
  const dead = await other('GET', url)
  t.equal(dead.statusCode, 422)
  t.equal(problemOf(dead).code, 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS')
  t.equal((await call('GET', `/v1/integrations/${integrationId}`)).json().status, 'invalid_credentials', 'dead credentials mark the integration')
  t.equal((await other('GET', url)).statusCode, 422, 'and nothing kept is shown for them')
})

t.test('a board that does not count its publications is not asked', async t => {
  const control = controlledSandbox()
  const base = control.boards.get('sandbox')!
  const boards = new Map([['sandbox', { ...base, capabilities: { ...base.capabilities, publicationQuota: false } }]])
  const app = await build(t, { boards })
  const call = await tenantCaller(app)
  const integrationId = await install(call)
  const res = await call('GET', `/v1/integrations/${integrationId}/publication-types`)
  t.same(res.json().items.map((i: { remaining: number | null }) => i.remaining), [null, null])
  t.equal(control.quotaCalls, 0)
})
