// The shared board client against a real HTTP server: retries, Retry-After, timeouts, bad bodies.
import t, { type Test } from 'tap'
import { AgentPool, createBoardHttp, parseRetryAfter } from '../../src/boards/http.js'
import { BoardError } from '../../src/boards/errors.js'
import { startFakeServer, type FakeServer } from '../fakes/fake-server.js'

async function setup (t: Test, overrides: Partial<Parameters<typeof createBoardHttp>[0]> = {}) {
  const server: FakeServer = await startFakeServer(() => ({ status: 200, body: { ok: true } }))
  const agents = new AgentPool({ connectionsPerAccount: 2, maxAccounts: 10 })
  t.teardown(async () => { await agents.close(); await server.close() })
  const http = createBoardHttp({ board: 'djinni', baseUrl: server.url + '/api/', timeoutMs: 300, maxRetries: 2, maxRetryAfterMs: 2_000, backoffMs: 10, ...overrides })
  const send = (method: 'GET' | 'POST', path = '/jobs') => http.send({ method, path, dispatcher: agents.for('acc') })
  return { server, send }
}

t.test('a 429 waits for Retry-After and goes on, for any method', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 429, headers: { 'retry-after': '1' }, body: { detail: 'slow down' } })
  const started = Date.now()
  const res = await send('POST')
  t.equal(res.status, 200)
  t.ok(Date.now() - started >= 900, 'waited about a second')
  t.equal(server.requests.length, 2)
})

t.test('a Retry-After longer than we wait is a rate_limited error at once', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 429, headers: { 'retry-after': '3600' } })
  const error = await send('GET').catch((e: unknown) => e)
  t.ok(error instanceof BoardError)
  t.match(error, { kind: 'rate_limited', retryAfterMs: 3_600_000, status: 429 })
  t.equal(server.requests.length, 1)
})

t.test('5xx on a GET is retried with backoff, then succeeds', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 502, times: 2 })
  t.equal((await send('GET')).status, 200)
  t.equal(server.requests.length, 3)
})

t.test('5xx that persists becomes unavailable after the retries', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 503, times: 10 })
  t.match(await send('GET').catch((e: unknown) => e), { kind: 'unavailable', boardStatus: 503 })
  t.equal(server.requests.length, 3, 'one try and two retries')
})

t.test('a POST is not retried after a 5xx: the board may have created it', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 500 })
  t.match(await send('POST').catch((e: unknown) => e), { kind: 'unavailable' })
  t.equal(server.requests.length, 1)
})

t.test('a board that never answers times out', async t => {
  const { server, send } = await setup(t)
  server.inject({ mode: 'timeout', times: 3 })
  t.match(await send('GET').catch((e: unknown) => e), { kind: 'timeout' })
})

t.test('a reset connection is retried', async t => {
  const { server, send } = await setup(t)
  server.inject({ mode: 'reset' })
  t.equal((await send('GET')).status, 200)
})

t.test('malformed or truncated JSON is a bad_response', async t => {
  const { server, send } = await setup(t)
  server.inject({ mode: 'malformed' })
  t.match(await send('GET').catch((e: unknown) => e), { kind: 'bad_response', message: /malformed JSON/ })
  server.inject({ mode: 'truncated' })
  t.match(await send('GET').catch((e: unknown) => e), { kind: 'bad_response' })
})

t.test('4xx answers go back to the adapter untouched', async t => {
  const { server, send } = await setup(t)
  server.inject({ status: 401, body: { detail: 'Invalid API key.' } })
  const res = await send('GET')
  t.equal(res.status, 401)
  t.same(res.body, { detail: 'Invalid API key.' })
})

t.test('Retry-After as seconds or an HTTP date', async t => {
  t.equal(parseRetryAfter('5'), 5000)
  t.equal(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now()) !== undefined, true)
  t.equal(parseRetryAfter('soon'), undefined)
  t.equal(parseRetryAfter(undefined), undefined)
})

t.test('the agent pool keeps one agent per account and evicts the least recently used', async t => {
  const pool = new AgentPool({ connectionsPerAccount: 1, maxAccounts: 2 })
  t.teardown(() => pool.close())
  const a = pool.for('a')
  pool.for('b')
  t.equal(pool.for('a'), a, 'same agent for the same account')
  pool.for('c') // evicts b, the least recently used
  t.equal(pool.for('a'), a)
})
