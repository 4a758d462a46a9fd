// DELETE /v1/admin/tenants/{id}: the tenant's hh tokens are revoked on the board first, then nothing
// of the tenant is left in any table; another tenant keeps everything.
import t from 'tap'
import { ADMIN_KEY, bearer, build } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { databaseContents } from '../helpers/db-contents.js'
import { fixtures, LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()

t.test('an erased tenant leaves no row behind, after its hh token is revoked', async t => {
  const app = await build(t, { env: boards.env })
  const caller = (key: string): Call => async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
  const gone = await app.tenant('Erased Co')
  const kept = await app.tenant('Kept Co')
  for (const tenant of [gone, kept]) {
    const call = caller(tenant.key)
    await fixtures(boards).find(f => f.board === 'headhunter')!.install(call)
    const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: `tenant-${tenant.id}` } })).json().id
    await call('PUT', '/v1/jobs/erase-tenant', { title: 'erase-tenant', description: LONG_DESCRIPTION })
    await call('POST', '/v1/jobs/erase-tenant/publications', { integrationId, fields: { applicants: 3 }, publicationType: 'standard', publish: true })
    await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['application.created'] })
  }
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const rowsOf = async (tenantId: string) => [...await databaseContents(app.db)].flatMap(([table, rows]) => rows.filter(r => r.includes(tenantId)).map(() => table))
  t.ok((await rowsOf(gone.id)).length > 10, 'the tenant owns rows before')
  const keptBefore = await rowsOf(kept.id)

  const revokesBefore = boards.headhunter.server.requests.filter(r => r.method === 'DELETE' && r.path === '/oauth/token').length
  const erased = await app.app.inject({ method: 'DELETE', url: `/v1/admin/tenants/${gone.id}`, headers: bearer(ADMIN_KEY) })
  t.equal(erased.statusCode, 204, erased.body)
  t.equal(boards.headhunter.server.requests.filter(r => r.method === 'DELETE' && r.path === '/oauth/token').length - revokesBefore, 1, 'its hh token was revoked on the board')
  t.same(await rowsOf(gone.id), [], 'no row names the tenant')
  t.same(await rowsOf(kept.id), keptBefore, 'the other tenant keeps all of its rows')
  t.equal((await caller(gone.key)('GET', '/v1/me')).statusCode, 401, 'its keys are gone')
  t.equal((await app.app.inject({ method: 'DELETE', url: `/v1/admin/tenants/${gone.id}`, headers: bearer(ADMIN_KEY) })).statusCode, 404)
  t.equal((await app.app.inject({ method: 'DELETE', url: `/v1/admin/tenants/${kept.id}`, headers: bearer(kept.key) })).statusCode, 403, 'a tenant key cannot')
})
