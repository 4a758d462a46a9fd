// Operable logs and hardened responses (issue 16, item 9): one access line per request that says
// who asked what and how it went, without the key or personal data; no response cached or sniffed;
// /metrics closed with METRICS_TOKEN; the embedded DATA_DIR readable by its owner only.
import t from 'tap'
import Fastify from 'fastify'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { bearer, build } from '../helpers/app.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'
import { loggerOptions } from '../../src/logging.js'

const accessLines = (logs: string[]) => logs.map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line.msg === 'request')

t.test('one access line per request: method, route, status, duration, request id, tenant, key prefix; never the key or personal data', async t => {
  const { app, logs, tenant } = await build(t)
  const { id: tenantId, key } = await tenant()
  const prefix = key.split('_')[1]!
  // all after `jsk_<prefix>_`: the secret is base64url, and may hold '_' itself
  const secret = key.split('_').slice(2).join('_')
  t.equal(secret.length, 43, 'the whole secret part')
  logs.length = 0

  const email = 'olena.private@example.com'
  const put = await app.inject({ method: 'PUT', url: '/v1/jobs/job-of-olena.private@example.com', headers: { ...bearer(key), 'x-request-id': 'trace-put-1' }, payload: { title: 'Engineer', description: LONG_DESCRIPTION } })
  t.ok(put.statusCode < 300, put.body)
  const missing = await app.inject({ method: 'GET', url: `/v1/candidates/00000000-0000-4000-8000-000000000000?email=${email}`, headers: { ...bearer(key), 'x-request-id': 'trace-get-2' } })
  t.equal(missing.statusCode >= 400, true)
  const wrong = await app.inject({ method: 'GET', url: '/v1/me', headers: { ...bearer(`jsk_${prefix}_${'Z'.repeat(43)}`), 'x-request-id': 'trace-bad-3' } })
  t.equal(wrong.statusCode, 401)
  await app.inject({ method: 'GET', url: '/no/such/route', headers: { 'x-request-id': 'trace-404-4' } })

  const lines = accessLines(logs)
  t.equal(lines.length, 4, `one line per request: ${JSON.stringify(lines)}`)
  const [first, second, third, fourth] = lines
  t.match(first, { reqId: 'trace-put-1', method: 'PUT', route: '/v1/jobs/:hostJobId', status: put.statusCode, tenantId, keyPrefix: prefix, level: 30 })
  t.type(first?.durationMs, 'number')
  t.match(second, { reqId: 'trace-get-2', method: 'GET', route: '/v1/candidates/:id', status: missing.statusCode, tenantId, keyPrefix: prefix })
  // a failed authentication names the prefix it tried, and no tenant
  t.match(third, { reqId: 'trace-bad-3', method: 'GET', route: '/v1/me', status: 401, keyPrefix: prefix })
  t.notOk('tenantId' in (third ?? {}))
  t.match(fourth, { reqId: 'trace-404-4', method: 'GET', route: 'unmatched', status: 404 })
  // fastify's own lines are gone, and nothing is flattened to {}
  t.notOk(logs.some(line => /"req":\{\}|"res":\{\}|incoming request|request completed/.test(line)), 'no empty request objects')

  const text = logs.join('')
  t.notOk(text.includes(secret), 'the key\'s secret part is not logged')
  t.notOk(text.includes('olena.private'), 'no personal data from paths or queries')
})

t.test('a logged request object is described by its serializer, not flattened by the secret scrubbing', async t => {
  const logs: string[] = []
  const app = Fastify({ loggerInstance: pino(loggerOptions('info'), new Writable({ write (chunk: Buffer, _enc, done) { logs.push(chunk.toString()); done() } })) })
  t.teardown(() => app.close())
  app.get('/probe', async request => { request.log.info({ req: request, detail: { apiKey: 'sensitive-value-456' } }, 'probe'); return { ok: true } })
  await app.inject({ method: 'GET', url: '/probe', headers: { authorization: 'Bearer sensitive-value-123' } })
  const probe = logs.map(line => JSON.parse(line) as Record<string, any>).find(line => line.msg === 'probe')
  t.match(probe?.req, { method: 'GET', url: '/probe' })
  t.equal(probe?.detail.apiKey, '[redacted]', 'plain objects are still scrubbed')
  t.notOk(logs.join('').includes('sensitive-value'))
})

t.test('every response, whoever sends it, is no-store and nosniff', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const responses = {
    ok: await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) }),
    unauthorized: await app.inject({ method: 'GET', url: '/v1/me' }),
    notFound: await app.inject({ method: 'GET', url: '/v1/nothing-here' }),
    invalid: await app.inject({ method: 'PUT', url: '/v1/jobs/x', headers: bearer(key), payload: { title: 1 } }),
    malformedUrl: await app.inject({ method: 'GET', url: '/v1/jobs/%E0%A4%A' }),
    health: await app.inject({ method: 'GET', url: '/health/live' }),
    openapi: await app.inject({ method: 'GET', url: '/openapi.json' }),
    issuedKey: await app.inject({ method: 'POST', url: `/v1/admin/tenants/${(await tenant()).id}/api-keys`, headers: bearer(app.config.adminApiKey!), payload: { name: 'shown once' } })
  }
  for (const [name, res] of Object.entries(responses)) {
    t.equal(res.headers['cache-control'], 'no-store', `${name} (${res.statusCode}): Cache-Control`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${name} (${res.statusCode}): X-Content-Type-Options`)
  }
})

t.test('METRICS_TOKEN closes /metrics; without it the scrape is open as before', async t => {
  const token = 'metrics-token-0123456789'
  const closed = await build(t, { env: { METRICS_TOKEN: token } })
  for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: token }]) {
    const res = await closed.app.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(res.statusCode, 401, `refused with ${JSON.stringify(headers)}`)
    t.notMatch(res.body, /http_request_duration_seconds/)
    t.match(res.headers['content-type'], /problem\+json/)
  }
  const scraped = await closed.app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) })
  t.equal(scraped.statusCode, 200)
  t.match(scraped.body, /process_cpu_seconds_total/)
  t.notOk(closed.logs.join('').includes(token), 'the token is not logged')

  const open = await build(t)
  t.equal((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200)
})

t.test('the embedded DATA_DIR and everything in it belong to its owner alone', async t => {
  const parent = await mkdtemp(path.join(tmpdir(), 'jobsync-perm-'))
  t.teardown(() => rm(parent, { recursive: true, force: true }))
  const dataDir = path.join(parent, 'data')
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SCHEDULER_ENABLED: 'false', DICTIONARY_REFRESH_ENABLED: 'false' }
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const deadline = Date.now() + 120_000
  while (!/Server listening at/.test(output) && child.exitCode === null && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 200))
  t.match(output, /Server listening at/, 'the server started')
  child.kill('SIGTERM')
  t.equal(await exited, 0)

  const loose: string[] = []
  let files = 0
  const walk = async (dir: string): Promise<void> => {
    const mode = (await stat(dir)).mode & 0o777
    if (mode !== 0o700) loose.push(`${path.relative(parent, dir)}/ ${mode.toString(8)}`)
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) { await walk(full); continue }
      files++
      const fileMode = (await stat(full)).mode & 0o777
      if ((fileMode & 0o077) !== 0) loose.push(`${path.relative(parent, full)} ${fileMode.toString(8)}`)
    }
  }
  await walk(dataDir)
  t.ok(files > 10, `the database and the key are there (${files} files)`)
  t.same(loose, [], 'no directory other than 0700, no file readable by group or others')
})
