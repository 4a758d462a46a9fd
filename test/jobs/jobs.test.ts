import t from 'tap'
import { build, problemOf } from '../helpers/app.js'
import { tenantCaller } from '../helpers/publishing.js'

t.test('PUT creates (201) then replaces (200) the vacancy by the host id', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const body = { title: 'Backend engineer', description: '<p>Build things</p>', location: 'Lviv', salary: { from: 3000, to: 4500, currency: 'USD' }, employment: 'full_time', tags: ['node', 'postgres'] }
  const created = await call('PUT', '/v1/jobs/ATS-42', body)
  t.equal(created.statusCode, 201)
  t.match(created.json(), { hostJobId: 'ATS-42', ...body, publications: [], applicationCount: 0 })

  const replaced = await call('PUT', '/v1/jobs/ATS-42', { title: 'Senior backend engineer', description: '<p>Build more</p>' })
  t.equal(replaced.statusCode, 200)
  t.match(replaced.json(), { id: created.json().id, title: 'Senior backend engineer', location: null, salary: null, tags: [] }, 'a PUT replaces the whole vacancy')
  t.equal((await call('GET', '/v1/jobs/ATS-42')).json().title, 'Senior backend engineer')
})

t.test('bad vacancies are refused field by field; unknown ids are 404', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const bad = await call('PUT', '/v1/jobs/ATS-1', { title: '', salary: { from: -1, currency: 'dollars' }, employment: 'forever' })
  t.equal(bad.statusCode, 400)
  const pointers = problemOf(bad).errors.map((e: { pointer: string }) => e.pointer).sort()
  t.same(pointers, ['/description', '/employment', '/salary/currency', '/salary/from', '/title'])
  t.equal((await call('PUT', '/v1/jobs/has%20space', { title: 'x', description: 'y' })).statusCode, 400, 'host ids are URL-safe tokens')
  t.equal((await call('GET', '/v1/jobs/ATS-1')).statusCode, 404, 'nothing was stored')
})

t.test('the same host id in two tenants is two vacancies', async t => {
  const app = await build(t)
  const a = await tenantCaller(app)
  const b = await tenantCaller(app)
  await a('PUT', '/v1/jobs/shared-id', { title: 'A', description: 'a' })
  t.equal((await b('GET', '/v1/jobs/shared-id')).statusCode, 404)
  t.equal((await b('PUT', '/v1/jobs/shared-id', { title: 'B', description: 'b' })).statusCode, 201)
  t.equal((await a('GET', '/v1/jobs/shared-id')).json().title, 'A')
})
