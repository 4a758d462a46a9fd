import t from 'tap'
import { bearer, build, problemOf } from '../helpers/app.js'

t.test('no key, a malformed key, an unknown key: 401', async t => {
  const { app } = await build(t)
  for (const headers of [{}, { authorization: 'Basic abc' }, bearer('nonsense'), bearer('jsk_aaaaaaaaaa_' + 'A'.repeat(43))]) {
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers })
    t.equal(res.statusCode, 401)
    const problem = problemOf(res)
    t.equal(problem.code, 'JOBSYNC_ERR_UNAUTHORIZED')
    t.equal(problem.status, 401)
  }
})

t.test('a known prefix with a wrong secret is refused', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  const res = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(forged) })
  t.equal(res.statusCode, 401)
})

t.test('a revoked key stops working at once', async t => {
  const { app, tenant, adminKey } = await build(t)
  const { key, keyId } = await tenant()
  t.equal((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })).statusCode, 200)
  const revoked = await app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${keyId}`, headers: bearer(adminKey) })
  t.equal(revoked.statusCode, 200)
  t.type(revoked.json().revokedAt, 'string')
  const res = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })
  t.equal(res.statusCode, 401)
  t.match(problemOf(res).detail, /revoked/)
})

t.test('tenant keys cannot reach admin routes, admin keys cannot act as a tenant', async t => {
  const { app, tenant, adminKey } = await build(t)
  const { key, id } = await tenant()
  const asTenant = await app.inject({ method: 'GET', url: `/v1/admin/tenants/${id}`, headers: bearer(key) })
  t.equal(asTenant.statusCode, 403)
  t.equal(problemOf(asTenant).code, 'JOBSYNC_ERR_FORBIDDEN')
  const asAdmin = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(adminKey) })
  t.equal(asAdmin.statusCode, 403)
})

t.test("each key sees its own tenant, never another's", async t => {
  const { app, tenant } = await build(t)
  const a = await tenant('A')
  const b = await tenant('B')
  const meA = (await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(a.key) })).json()
  const meB = (await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(b.key) })).json()
  t.equal(meA.tenant.id, a.id)
  t.equal(meB.tenant.id, b.id)
})

t.test('the Authorization header never reaches the logs', async t => {
  const { app, tenant, logs } = await build(t, { env: { LOG_LEVEL: 'trace' } })
  const { key } = await tenant()
  await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) })
  await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key + 'x') })
  t.ok(logs.length > 0)
  t.notOk(logs.some(line => line.includes(key)), 'no key in any log line')
})
