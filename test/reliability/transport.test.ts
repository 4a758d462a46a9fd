// Transport limits, over raw sockets to the listening app: a client that drips its headers, drips
// its body, or sits idle on a keep-alive connection is cut off by the limit meant for it, and one
// refused before its body was read (401, 413) is hung up on at once instead of being read to the end.
// The limits here are small (HEADERS_TIMEOUT_MS 500, REQUEST_TIMEOUT_MS 1000, KEEP_ALIVE_TIMEOUT_MS
// 500); each wait is bounded by ten times its limit, so a server with no limit fails instead of
// hanging the suite. The times measured are printed, never asserted.
import t, { type Test } from 'tap'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { loadConfig, ConfigError } from '../../src/config.js'
import { build } from '../helpers/app.js'

const LIMITS = { HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '500', CONNECTION_TIMEOUT_MS: '5000' }

interface Connection {
  socket: net.Socket
  /** everything the server sent so far */
  received: () => string
  /** ms from connecting until the server closed the connection, or null if it is still open after `boundMs` */
  closedWithin: (boundMs: number) => Promise<number | null>
  /** writes `chunk` every `everyMs` until the connection closes */
  drip: (chunk: string, everyMs: number) => void
}

async function connect (t: Test, port: number): Promise<Connection> {
  const socket = net.connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
  const started = Date.now()
  let data = ''
  let closedAt: number | null = null
  const closed = new Promise<void>(resolve => { socket.once('close', () => { closedAt = Date.now(); resolve() }) })
  socket.on('data', chunk => { data += chunk.toString('utf8') })
  // the server hanging up while we still write is what some tests wait for
  socket.on('error', () => {})
  let timer: NodeJS.Timeout | undefined
  t.teardown(() => { clearInterval(timer); socket.destroy() })
  return {
    socket,
    received: () => data,
    closedWithin: async boundMs => {
      let bound: NodeJS.Timeout | undefined
      await Promise.race([closed, new Promise<void>(resolve => { bound = setTimeout(resolve, boundMs) })])
      clearTimeout(bound)
      return closedAt === null ? null : closedAt - started
    },
    drip: (chunk, everyMs) => {
      timer = setInterval(() => { if (!socket.destroyed && socket.writable) socket.write(chunk); else clearInterval(timer) }, everyMs)
    }
  }
}

/** the status line, headers and body of the first response in `text` */
function firstResponse (text: string): { status: number, headers: Record<string, string>, body: string } | null {
  const end = text.indexOf('\r\n\r\n')
  if (end === -1) return null
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers = Object.fromEntries(lines.map(line => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) }
}

async function listening (t: Test) {
  const app = await build(t, { env: LIMITS })
  await app.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.app.server.address() as AddressInfo
  return { ...app, port }
}

t.test('the limits are settings with stated defaults, and a header limit longer than the request limit is refused', async t => {
  const config = loadConfig({})
  t.same(config.http, { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, connectionTimeoutMs: 300_000 })
  t.equal(config.jsonMaxDepth, 64)
  t.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }), ConfigError)
  t.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '5' }), /HEADERS_TIMEOUT_MS/)
})

t.test('slow headers: a client that never finishes its headers gets a 408 and is cut off', async t => {
  const { port } = await listening(t)
  const c = await connect(t, port)
  c.socket.write('GET /health/live HTTP/1.1\r\nHost: jobsync\r\n')
  c.drip('X-Slow: 1\r\n', 100)
  const ms = await c.closedWithin(5_000)
  t.not(ms, null, 'the connection is closed')
  t.comment(`closed ${ms ?? 'never'} ms after connecting (HEADERS_TIMEOUT_MS 500)`)
  const res = firstResponse(c.received())
  t.equal(res?.status, 408, 'answered 408')
  t.match(res?.headers['content-type'], /^application\/problem\+json/)
  t.match(JSON.parse(res?.body ?? '{}'), { status: 408, code: 'JOBSYNC_ERR_REQUEST_TIMEOUT', instance: res?.headers['x-request-id'] })
})

t.test('slow body: a client that drips its body is cut off once the request time is up', async t => {
  const app = await listening(t)
  const { key } = await app.tenant()
  const c = await connect(t, app.port)
  c.socket.write(`PUT /v1/jobs/slow-body HTTP/1.1\r\nHost: jobsync\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"`)
  c.drip('x', 100)
  const ms = await c.closedWithin(10_000)
  t.not(ms, null, 'the connection is closed')
  t.comment(`closed ${ms ?? 'never'} ms after connecting (REQUEST_TIMEOUT_MS 1000)`)
  t.equal(firstResponse(c.received())?.status, 408, 'answered 408')
  t.equal(await app.db.selectFrom('jobs').select('id').where('host_job_id', '=', 'slow-body').executeTakeFirst(), undefined, 'nothing stored')
})

t.test('idle keep-alive: a connection left idle after its response is closed', async t => {
  const { port } = await listening(t)
  const c = await connect(t, port)
  c.socket.write('GET /health/live HTTP/1.1\r\nHost: jobsync\r\nConnection: keep-alive\r\n\r\n')
  const ms = await c.closedWithin(5_000)
  t.equal(firstResponse(c.received())?.status, 200, 'the request was answered')
  t.not(ms, null, 'the idle connection is closed')
  t.comment(`closed ${ms ?? 'never'} ms after connecting (KEEP_ALIVE_TIMEOUT_MS 500)`)
})

t.test('a connection that never sends a byte is closed', async t => {
  const { port } = await listening(t)
  const c = await connect(t, port)
  const ms = await c.closedWithin(50_000)
  t.not(ms, null, 'the silent connection is closed')
  t.comment(`closed ${ms ?? 'never'} ms after connecting (CONNECTION_TIMEOUT_MS 5000)`)
})

t.test('an early 401 ends the connection: the rest of the body is not waited for', async t => {
  const { port } = await listening(t)
  const c = await connect(t, port)
  c.socket.write('PUT /v1/jobs/no-key HTTP/1.1\r\nHost: jobsync\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"')
  c.drip('x', 100)
  // well under REQUEST_TIMEOUT_MS × 10: the 401 is not a request timeout
  const ms = await c.closedWithin(5_000)
  const res = firstResponse(c.received())
  t.equal(res?.status, 401, 'answered 401')
  t.equal(res?.headers.connection, 'close', 'Connection: close')
  t.not(ms, null, 'the connection is closed while the client still had most of its body to send')
  t.comment(`closed ${ms ?? 'never'} ms after connecting`)
})

t.test('an early 413 ends the connection', async t => {
  const app = await listening(t)
  const { key } = await app.tenant()
  const c = await connect(t, app.port)
  c.socket.write(`PUT /v1/jobs/too-large HTTP/1.1\r\nHost: jobsync\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"title":"`)
  c.drip('x'.repeat(1000), 50)
  const ms = await c.closedWithin(5_000)
  const res = firstResponse(c.received())
  t.equal(res?.status, 413, 'answered 413')
  t.equal(res?.headers.connection, 'close', 'Connection: close')
  t.match(res?.headers['content-type'], /^application\/problem\+json/)
  t.not(ms, null, 'the connection is closed')
  t.comment(`closed ${ms ?? 'never'} ms after connecting`)
})

t.test('a keep-alive client that behaves keeps its connection for several requests', async t => {
  const { port } = await listening(t)
  const c = await connect(t, port)
  for (let i = 0; i < 3; i++) {
    c.socket.write('GET /health/live HTTP/1.1\r\nHost: jobsync\r\n\r\n')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(c.received().match(/HTTP\/1\.1 200/g)?.length, 3, 'three answers on one connection')
  t.equal(c.socket.destroyed, false, 'still open between requests')
})
