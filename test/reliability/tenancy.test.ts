// Hostile tenants, for every route of the OpenAPI document: tenant B's key with tenant A's ids gets
// 404 and none of A's data; a revoked key gets 401 everywhere; a tenant key on an admin route and
// the admin key on a tenant route get 403 (as the security scheme documents). A new route is
// covered without touching this file; a route whose path names something unknown fails it.
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { ADMIN_KEY, bearer, build } from '../helpers/app.js'
import { documentedOperations, nameOf, type Operation } from '../helpers/routes.js'
import { footprintOf, requestOf, seedTenant, type TenantData } from '../helpers/tenant-data.js'

t.test('no route lets one tenant reach another, or a wrong key through', async t => {
  const testApp = await build(t)
  const { app } = testApp
  const operations = await documentedOperations(app)
  const alpha = await seedTenant(testApp, 'alpha')
  const bravo = await seedTenant(testApp, 'bravo')

  // a second key of alpha's, revoked: it must open nothing, not even alpha's own data
  const issued = await app.inject({ method: 'POST', url: `/v1/admin/tenants/${alpha.tenantId}/api-keys`, headers: bearer(ADMIN_KEY), payload: { name: 'to revoke' } })
  const revokedKey = issued.json().key as string
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${issued.json().id as string}`, headers: bearer(ADMIN_KEY) })).statusCode, 200)

  const send = async (op: Operation, key: string, data: TenantData) => await app.inject({ ...requestOf(op, data), headers: bearer(key) })

  // the sandbox hands out some of the same people on every posting: those are bravo's too
  const bravoOwns = new Set(footprintOf(bravo))
  const alphaOnly = footprintOf(alpha).filter(s => !bravoOwns.has(s))
  /** alpha's ids and names in a response, other than those the request itself carried */
  const alphaDataIn = (res: LightMyRequestResponse, op: Operation): string[] => {
    const sent = JSON.stringify(requestOf(op, alpha))
    return alphaOnly.filter(s => !sent.includes(s) && res.body.includes(s))
  }
  /** the problem code, or what came instead of a problem (without throwing: every route gets checked) */
  const codeOf = (res: LightMyRequestResponse): string => String(res.headers['content-type']).startsWith('application/problem+json')
    ? String(res.json().code)
    : `not problem+json (${String(res.headers['content-type'])})`
  /** the path names something a tenant owns (not an enum like {board}) */
  const ownsPath = (op: Operation) => op.pathParams.some(p => p.schema.enum === undefined)
  const ownReads = () => routes.filter(op => op.auth === 'tenant' && op.method === 'GET' && ownsPath(op))

  const routes = operations.filter(op => op.auth !== 'none')
  t.ok(routes.length >= 40, `${routes.length} routes under /v1 in the document`)
  const exercised = new Set<string>()

  t.test('the ids are real: alpha reads each of its own resources', async t => {
    for (const op of ownReads()) {
      const res = await send(op, alpha.key, alpha)
      t.equal(res.statusCode, 200, `${nameOf(op)} as alpha: ${res.body.slice(0, 200)}`)
    }
  })

  t.test('a revoked key gets 401 on every route', async t => {
    for (const op of routes) {
      const res = await send(op, revokedKey, alpha)
      t.equal(res.statusCode, 401, nameOf(op))
      t.equal(codeOf(res), 'JOBSYNC_ERR_UNAUTHORIZED')
      t.same(alphaDataIn(res, op), [], `${nameOf(op)}: no data with a revoked key`)
    }
  })

  t.test('a tenant key on an admin route gets 403', async t => {
    for (const op of routes.filter(op => op.auth === 'admin')) {
      const res = await send(op, bravo.key, alpha)
      t.equal(res.statusCode, 403, nameOf(op))
      t.equal(codeOf(res), 'JOBSYNC_ERR_FORBIDDEN')
      t.same(alphaDataIn(res, op), [], `${nameOf(op)}: no data for a tenant key`)
      exercised.add(nameOf(op))
    }
  })

  t.test('the admin key on a tenant route gets the documented 403', async t => {
    for (const op of routes.filter(op => op.auth === 'tenant')) {
      t.ok(op.responses.includes(403), `${nameOf(op)} documents 403`)
      const res = await send(op, ADMIN_KEY, alpha)
      t.equal(res.statusCode, 403, nameOf(op))
      t.equal(codeOf(res), 'JOBSYNC_ERR_FORBIDDEN')
      t.same(alphaDataIn(res, op), [], `${nameOf(op)}: no tenant data for the admin key`)
    }
  })

  t.test("bravo's key with alpha's ids: 404, never alpha's data", async t => {
    // PUT is an upsert by the host's own id: bravo gets a job of its own, so it goes last
    const tenantRoutes = routes.filter(op => op.auth === 'tenant').sort((a, b) => Number(a.method === 'PUT') - Number(b.method === 'PUT'))
    for (const op of tenantRoutes) {
      const res = await send(op, bravo.key, alpha)
      t.ok(res.statusCode < 500, `${nameOf(op)}: ${res.statusCode}`)
      if (ownsPath(op) && op.method === 'PUT') {
        t.ok(res.statusCode === 200 || res.statusCode === 201, `${nameOf(op)} makes bravo's own resource: ${res.statusCode}`)
      } else if (ownsPath(op)) {
        t.equal(res.statusCode, 404, `${nameOf(op)} with alpha's ids: ${res.body.slice(0, 300)}`)
        t.equal(codeOf(res), 'JOBSYNC_ERR_NOT_FOUND')
      } else if (op.body !== undefined && JSON.stringify(requestOf(op, alpha).payload ?? {}).includes(alpha.integrationId)) {
        // alpha's ids in the body only: refused, whichever it names first
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${nameOf(op)} with alpha's ids in the body: ${res.statusCode}`)
      }
      t.same(alphaDataIn(res, op), [], `${nameOf(op)}: none of alpha's data`)
      exercised.add(nameOf(op))
    }
  })

  t.test("alpha's data is untouched by it all", async t => {
    for (const op of ownReads()) {
      const res = await send(op, alpha.key, alpha)
      t.equal(res.statusCode, 200, nameOf(op))
      if (op.path === '/v1/jobs/{hostJobId}') t.equal(res.json().title, alpha.jobTitle, "alpha's job is alpha's, not bravo's upsert")
    }
  })

  t.test('every parameterised route of the document was exercised', async t => {
    const missing = operations.filter(op => op.pathParams.length > 0 && !exercised.has(nameOf(op))).map(nameOf)
    t.same(missing, [], 'parameterised routes without a cross-tenant or wrong-key check')
    t.ok(exercised.size >= 40, `${exercised.size} routes exercised`)
  })
})
