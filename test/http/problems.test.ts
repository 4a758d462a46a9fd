import t from 'tap'
import { pino } from 'pino'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { bearer, build, problemOf, SECRETS_KEY, testFileDb } from '../helpers/app.js'
import { createSecretBox } from '../../src/crypto/secrets.js'

t.test('validation errors list every bad field with a JSON pointer', async t => {
  const { app, adminKey } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(adminKey), payload: { name: '', extra: 1, externalId: 5 } })
  t.equal(res.statusCode, 400)
  const problem = problemOf(res)
  t.match(problem, { type: /validation$/, title: 'Invalid request', status: 400, code: 'JOBSYNC_ERR_VALIDATION', instance: String })
  const pointers = problem.errors.map((e: { pointer: string }) => e.pointer).sort()
  t.same(pointers, ['/externalId', '/extra', '/name'])
  t.ok(problem.errors.every((e: { in: string }) => e.in === 'body'))
})

t.test('a missing field is pointed at by name', async t => {
  const { app, adminKey } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(adminKey), payload: {} })
  t.same(problemOf(res).errors, [{ in: 'body', pointer: '/name', detail: 'is required' }])
})

t.test('bad path and query parameters say where they are', async t => {
  const { app, adminKey } = await build(t)
  const path = await app.inject({ method: 'GET', url: '/v1/admin/tenants/not-a-uuid', headers: bearer(adminKey) })
  t.equal(path.statusCode, 400)
  t.match(problemOf(path).errors, [{ in: 'path', pointer: '/tenantId' }])
  const query = await app.inject({ method: 'GET', url: '/v1/admin/tenants?limit=9999', headers: bearer(adminKey) })
  t.equal(query.statusCode, 400)
  t.match(problemOf(query).errors, [{ in: 'query', pointer: '/limit' }])
})

t.test('malformed JSON is a 400 problem', async t => {
  const { app, adminKey } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: { ...bearer(adminKey), 'content-type': 'application/json' }, payload: '{"name": ' })
  t.equal(res.statusCode, 400)
  t.match(problemOf(res), { title: 'Malformed JSON body', code: 'JOBSYNC_ERR_VALIDATION' })
})

t.test('an unknown route is a 404 problem', async t => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' })
  t.equal(res.statusCode, 404)
  t.match(problemOf(res), { status: 404, code: 'JOBSYNC_ERR_NOT_FOUND', detail: 'No route GET /v1/nothing-here' })
})

t.test('an unexpected throw is a 500 without internals, with the request id', async t => {
  const handle = await testFileDb()
  const lines: string[] = []
  const app = await buildApp({
    config: loadConfig({ ADMIN_API_KEY: 'x'.repeat(40) }),
    db: handle.db,
    secrets: createSecretBox(SECRETS_KEY),
    logger: pino({ level: 'info' }, { write: (line: string) => { lines.push(line) } })
  })
  app.get('/boom', async () => { throw new Error('secret internal detail at /srv/app.js:12') })
  t.teardown(async () => { await app.close() })

  const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'req-123' } })
  t.equal(res.statusCode, 500)
  const problem = problemOf(res)
  t.match(problem, { status: 500, code: 'JOBSYNC_ERR_INTERNAL', instance: 'req-123' })
  t.notMatch(res.body, /secret internal detail|srv\/app|stack/)
  t.equal(res.headers['x-request-id'], 'req-123')
  t.ok(lines.some(line => line.includes('secret internal detail')), 'the cause goes to the log instead')
})
