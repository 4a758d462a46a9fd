// The sandbox is bounded (issue 16, item 7): SANDBOX_ENABLED=false turns it off (no install, and
// its stored integrations neither publish nor sync, with a problem that says why), and a tenant
// holds at most SANDBOX_APPLICANTS_PER_TENANT sandbox applicants, the rest skipped and counted.
import t from 'tap'
import { bearer, build, problemOf, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

const callerOf = (app: TestApp, key: string): Call => async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })

async function publish (call: Call, hostJobId: string, integrationId: string, applicants: number): Promise<string> {
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: `Job ${hostJobId}`, description: LONG_DESCRIPTION })
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants }, publicationType: 'standard', publish: true })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

const install = async (call: Call, accountName: string) => await call('POST', '/v1/integrations', { board: 'sandbox', name: accountName, credentials: { accountName } })

async function settle (app: TestApp): Promise<void> {
  await app.app.scheduler.tick()
  await app.app.scheduler.idle()
}

t.test('SANDBOX_ENABLED=false: not offered, not installable, and stored sandbox integrations do not sync', async t => {
  const on = await build(t)
  const { id: tenantId, key } = await on.tenant()
  const integrationId = (await install(callerOf(on, key), 'before')).json().id as string
  const pubId = await publish(callerOf(on, key), 'sandbox-off', integrationId, 5)

  // the same database, a deployment that turned the sandbox off
  const off = await build(t, { env: { SANDBOX_ENABLED: 'false' } })
  const call = callerOf(off, key)
  const boards = (await call('GET', '/v1/boards')).json() as { items?: Array<{ id: string }> } | Array<{ id: string }>
  const ids = (Array.isArray(boards) ? boards : boards.items ?? []).map(b => b.id)
  t.ok(ids.length > 0 && !ids.includes('sandbox'), `not offered: ${ids.join(', ')}`)

  const refused = await install(call, 'after')
  t.equal(refused.statusCode, 422)
  t.match(problemOf(refused), { code: 'JOBSYNC_ERR_BOARD_DISABLED', detail: /SANDBOX_ENABLED/ })

  t.equal((await call('GET', `/v1/integrations/${integrationId}`)).statusCode, 200, 'the stored integration is still shown')
  // what the host asks of it through the API says the board is off, not that the integration is missing
  await call('PUT', '/v1/jobs/sandbox-off-2', { title: 'Job sandbox-off-2', description: LONG_DESCRIPTION })
  const asked = {
    publish: await call('POST', '/v1/jobs/sandbox-off-2/publications', { integrationId, fields: { applicants: 1 }, publicationType: 'standard', publish: true }),
    'publication types': await call('GET', `/v1/integrations/${integrationId}/publication-types`),
    dictionaries: await call('GET', `/v1/integrations/${integrationId}/dictionaries`),
    dictionary: await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities`)
  }
  for (const [what, res] of Object.entries(asked)) {
    t.equal(res.statusCode, 422, `${what}: ${res.body}`)
    t.match(problemOf(res), { code: 'JOBSYNC_ERR_BOARD_DISABLED', detail: /SANDBOX_ENABLED=false/ }, what)
  }
  await settle(off)
  const runs = (await call('GET', `/v1/publications/${pubId}/sync-runs`)).json().items as Array<{ status: string, error: { code: string } | null }>
  t.match(runs, [{ status: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_DISABLED' } }])
  const stored = await off.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
  t.equal(Number(stored.n), 0, 'no sandbox applicant stored')
})

t.test('SANDBOX_APPLICANTS_PER_TENANT: a tenant holds at most that many, the rest counted as skipped; another tenant has its own', async t => {
  const app = await build(t, { env: { SANDBOX_APPLICANTS_PER_TENANT: '25' } })
  const greedy = await app.tenant()
  const call = callerOf(app, greedy.key)
  const integrationId = (await install(call, 'greedy')).json().id as string
  const first = await publish(call, 'cap-1', integrationId, 20)
  await settle(app)
  const second = await publish(call, 'cap-2', integrationId, 20)
  await settle(app)

  const count = async (tenantId: string) => Number((await app.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n)
  t.equal(await count(greedy.id), 25, 'capped at 25')
  t.match((await call('GET', `/v1/publications/${first}/sync-runs`)).json().items, [{ status: 'succeeded', fetched: 20, created: 20 }])
  const [run] = (await call('GET', `/v1/publications/${second}/sync-runs`)).json().items as Array<Record<string, any>>
  t.match(run, { status: 'succeeded', fetched: 20, created: 5 })
  t.equal(run?.skipped?.tenant_limit, 15, `the rest is counted as skipped: ${JSON.stringify(run?.skipped)}`)

  const other = await app.tenant()
  const otherCall = callerOf(app, other.key)
  await publish(otherCall, 'cap-3', (await install(otherCall, 'other')).json().id as string, 10)
  await settle(app)
  t.equal(await count(other.id), 10, 'another tenant is not held back by the first one')
})
