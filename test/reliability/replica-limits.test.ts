// Board limits hold across replicas: three service processes (the build, `node …/src/server.js`) on
// one Postgres database publish and sync through one Work.ua account of a fake in this process, all
// at once, far faster than Work.ua's 50 requests a second would allow. From the fake's own count of
// that account's requests: no second ever held more than 50, and after the fake answered one 429 no
// replica sent it anything until the block was over (then they carried on).
//
// The budget is set to 20 a second here, below the default 30: the fake counts arrivals, by its own
// clock, in this test's process, and on a machine shared by many processes either end can stall
// for over half a second (then requests sent apart are counted together). 20 a second leaves room
// for 1.5 s of that and still holds the board's 50 (docs/boards.md, Work.ua: Errors and limits).
// Without the shared budget each of the three would send 20 a second on its own: 60.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { startWorkuaFake, type WorkuaFake } from '../fakes/workua.js'
import { ADMIN_KEY, SECRETS_KEY } from '../helpers/app.js'
import { buildService } from '../helpers/built-service.js'
import { createTestDb, testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'

const REPLICAS = 3
const BUDGET_PER_SECOND = 20
const LIMIT_PER_SECOND = 50
const BLOCK_SECONDS = 5
/** requests already on their way when the 429 was answered may still be counted this long after it */
const IN_FLIGHT_MS = 1_500

if (testDatabaseUrl() === undefined) {
  t.plan(0, 'the replica test runs service processes on Postgres (TEST_DATABASE_URL); PGlite is in-process only')
} else {
  t.setTimeout(300_000)
  t.test(`${REPLICAS} replicas share Work.ua's limit through Postgres`, { timeout: 240_000 }, replicaTest)
}

const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

interface Replica { proc: ChildProcess, url: string, output: () => string }

async function replicaTest (t: Test): Promise<void> {
  const began = Date.now()
  const phase = (what: string) => { t.comment(`${what} at ${((Date.now() - began) / 1000).toFixed(1)} s`) }
  const buildDir = await buildService(t, 'replicas')
  phase('built')

  const database = await createTestDb()
  const fake: WorkuaFake = await startWorkuaFake({ blockMs: BLOCK_SECONDS * 1000, publications: { standart_job: 10_000 } })
  t.teardown(async () => { await fake.close(); await database.close(); await database.drop() })
  const login = fake.defaultLogin

  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    HOST: '127.0.0.1',
    // the system picks a free port; the address comes from the "listening" log line
    PORT: '0',
    DATA_DIR: path.join(buildDir, 'data'),
    LOG_LEVEL: 'info',
    WORKUA_API_URL: fake.url,
    WORKUA_REQUESTS_PER_SECOND: String(BUDGET_PER_SECOND),
    WORKUA_BLOCK_SECONDS: String(BLOCK_SECONDS),
    SCHEDULER_CRON: '* * * * * *',
    SYNC_CONCURRENCY: '8',
    SYNC_CONCURRENCY_PER_ACCOUNT: '8'
  }

  const replicas: Replica[] = []
  t.teardown(async () => {
    await Promise.all(replicas.map(async ({ proc }) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise(resolve => proc.once('exit', resolve))
      proc.kill('SIGKILL')
      await exited
    }))
  })
  const start = async (): Promise<Replica> => {
    let output = ''
    const proc = spawn(process.execPath, [path.join(buildDir, 'src/server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-200_000) }
    proc.stdout!.on('data', keep)
    proc.stderr!.on('data', keep)
    const replica: Replica = { proc, url: '', output: () => output }
    replicas.push(replica)
    for (let i = 0; i < 1200; i++) {
      if (proc.exitCode !== null) throw new Error(`a replica exited (${proc.exitCode}): ${output.slice(-5000)}`)
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (url !== undefined && await fetch(`${url}/health/ready`).then(r => r.status, () => 0) === 200) return { ...replica, url }
      await sleep(50)
    }
    throw new Error(`a replica did not get ready: ${output.slice(-5000)}`)
  }
  const started = await Promise.all(Array.from({ length: REPLICAS }, start))
  phase(`${REPLICAS} replicas ready`)

  const api = async (base: string, method: string, url: string, key: string, body?: object): Promise<{ status: number, json: Record<string, any> }> => {
    const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, json: await res.json() as Record<string, any> }
  }
  const must = async (...args: Parameters<typeof api>) => {
    const res = await api(...args)
    if (res.status >= 300) throw new Error(`${args[1]} ${args[2]}: ${res.status} ${JSON.stringify(res.json)}`)
    return res.json
  }

  const first = started[0]!.url
  const tenant = await must(first, 'POST', '/v1/admin/tenants', ADMIN_KEY, { name: 'replica limits' })
  const { key } = await must(first, 'POST', `/v1/admin/tenants/${tenant.id as string}/api-keys`, ADMIN_KEY, { name: 'k' })
  const integration = await must(first, 'POST', '/v1/integrations', key, { board: 'workua', name: 'Work.ua', credentials: { login, password: fake.defaultPassword } })

  /** `n` jobs published at once, spread over the replicas; each is a quota check, a create, and a first sync on Work.ua */
  let jobs = 0
  const publishMany = async (n: number): Promise<number[]> => await Promise.all(Array.from({ length: n }, async (_, i) => {
    const base = started[i % REPLICAS]!.url
    const hostJobId = `replica-${++jobs}`
    await must(base, 'PUT', `/v1/jobs/${hostJobId}`, key, { title: `Бариста ${hostJobId}`, description: LONG_DESCRIPTION })
    const res = await api(base, 'POST', `/v1/jobs/${hostJobId}/publications`, key, {
      integrationId: integration.id, fields: { regionId: 1, categoryIds: [1], jobtypeIds: [74] }, publicationType: 'standart_job', publish: true
    })
    return res.status
  }))
  const callsSince = (from: number) => fake.calls.filter(c => c.login === login && c.at >= from)

  // 1. everything at once: far more than 50 a second asked of one account
  const loadFrom = fake.now().getTime()
  const statuses = await publishMany(90)
  await sleep(2_000) // the first syncs the publishes started
  const load = callsSince(loadFrom)
  phase(`${load.length} requests to the account in ${((fake.now().getTime() - loadFrom) / 1000).toFixed(1)} s`)
  t.same(statuses.filter(s => s !== 201), [], 'every publish went through, none refused for the limit')
  t.ok(load.length >= 180, `enough requests to matter (${load.length}: a quota check and a create per publish, and the syncs)`)
  t.comment(`requests per second seen by the fake: ${fake.requestsPerSecond(login).join(', ')}`)
  t.ok(fake.busiestSecond(login) <= LIMIT_PER_SECOND, `no second held more than ${LIMIT_PER_SECOND} of the account's requests (busiest: ${fake.busiestSecond(login)})`)
  t.same(load.filter(c => c.status === 429).length, 0, 'Work.ua never blocked the address')

  // 2. a 429 in the middle of the load: the block holds for every replica
  const blockFrom = fake.now().getTime()
  const second = publishMany(60)
  while (callsSince(blockFrom).length < 20) await sleep(10)
  fake.tooManyRequestsOnce(login)
  while (!callsSince(blockFrom).some(c => c.status === 429)) await sleep(10)
  const refused = callsSince(blockFrom).find(c => c.status === 429)!
  phase('the fake answered 429')
  const statusesAfter = await second
  // whatever waited for the block goes after it: wait for the first request after it (or give up)
  for (let i = 0; i < 200 && !callsSince(refused.at + BLOCK_SECONDS * 1000).length; i++) await sleep(100)
  await sleep(1_000)

  const during = callsSince(refused.at).filter(c => c !== refused && c.at < refused.at + BLOCK_SECONDS * 1000)
  const inFlight = during.filter(c => c.at < refused.at + IN_FLIGHT_MS)
  t.comment(`after the 429: ${inFlight.length} request(s) already on their way within ${IN_FLIGHT_MS} ms (${inFlight.map(c => `+${c.at - refused.at} ms ${c.status}`).join(', ')})`)
  t.same(during.filter(c => c.at >= refused.at + IN_FLIGHT_MS).map(c => `${c.method} ${c.path} at +${c.at - refused.at} ms`), [],
    `no replica sent the account anything from ${IN_FLIGHT_MS} ms after the 429 until the ${BLOCK_SECONDS} s block was over`)
  const after = callsSince(refused.at + BLOCK_SECONDS * 1000)
  t.ok(after.length > 0, `the replicas carried on after the block (${after.length} requests; first at +${(after[0]?.at ?? NaN) - refused.at} ms)`)
  t.equal(after.filter(c => c.status === 429).length, 0, 'and were not blocked again')
  t.ok(statusesAfter.filter(s => s === 201).length >= 50, `most of the publishes went through, the ones caught by the block later (${statusesAfter.filter(s => s === 201).length} of 60; the others: ${[...new Set(statusesAfter.filter(s => s !== 201))].join(', ')})`)
  t.ok(fake.busiestSecond(login) <= LIMIT_PER_SECOND, `still no second over ${LIMIT_PER_SECOND} (busiest: ${fake.busiestSecond(login)})`)

  for (const replica of replicas) t.equal(replica.proc.exitCode, null, 'the replica is still running')
  await Promise.all(replicas.map(async ({ proc }) => {
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }))
  phase('stopped')
}
