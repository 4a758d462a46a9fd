// The kill test: the real service process (the build, `node …/src/server.js`) on a fresh Postgres
// database syncs 20,000 applications from a fake Djinni in this process and delivers their events
// to a webhook receiver here, while it is SIGKILLed at random points 20 times and restarted each
// time. In the end: exactly the 20,000 applications, once each, one `application.created` event per
// application, and every event of the outbox received at least once.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { sql } from 'kysely'
import { startDjinniFake } from '../fakes/djinni.js'
import { ADMIN_KEY, SECRETS_KEY, TEST_OUTBOUND_ALLOW } from '../helpers/app.js'
import { buildService } from '../helpers/built-service.js'
import { createTestDb, testDatabaseUrl } from '../helpers/db.js'
import { LONG_DESCRIPTION } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'

const APPLICATIONS = Number(process.env.KILL_APPLICATIONS ?? 20_000)
const KILLS = Number(process.env.KILL_COUNT ?? 20)
const SEED = Number(process.env.KILL_SEED ?? 20261123)

if (testDatabaseUrl() === undefined) {
  t.plan(0, 'the kill test runs the service process on Postgres (TEST_DATABASE_URL); PGlite is in-process only')
} else {
  t.setTimeout(840_000)
  t.test(`SIGKILL ${KILLS} times during a ${APPLICATIONS}-application sync: each application once, no event lost`, { timeout: 780_000 }, killTest)
}

/** mulberry32: a small seeded generator, so a failing run can be replayed with KILL_SEED */
function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

async function killTest (t: Test): Promise<void> {
  const random = seededRandom(SEED)
  const began = Date.now()
  const phase = (what: string) => { t.comment(`${what} at ${((Date.now() - began) / 1000).toFixed(1)} s`) }
  const buildDir = await buildService(t, 'kill')
  phase('built')
  const database = await createTestDb()
  const djinni = await startDjinniFake()
  const hook = await startWebhookReceiver()
  t.teardown(async () => { await hook.close(); await djinni.close(); await database.close(); await database.drop() })

  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    ADMIN_API_KEY: ADMIN_KEY,
    SECRETS_KEY,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: path.join(buildDir, 'data'),
    LOG_LEVEL: 'warn',
    DJINNI_API_URL: djinni.url,
    SCHEDULER_CRON: '* * * * * *',
    // a killed owner's lease is taken over after 5 s (the shortest allowed)
    SYNC_LEASE_SECONDS: '5',
    SYNC_RETRY_SECONDS: '1',
    WEBHOOK_BACKOFF_SECONDS: '1',
    BOARD_TIMEOUT_MS: '5000',
    OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW
  }

  let output = ''
  let child: ChildProcess | undefined
  const start = async (): Promise<ChildProcess> => {
    const proc = spawn(process.execPath, [path.join(buildDir, 'src/server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000) }
    proc.stdout!.on('data', keep)
    proc.stderr!.on('data', keep)
    child = proc
    for (let i = 0; i < 300; i++) {
      if (proc.exitCode !== null) throw new Error(`the service exited (${proc.exitCode}): ${output}`)
      const ready = await fetch(`${base}/health/ready`).then(r => r.status, () => 0)
      if (ready === 200) return proc
      await sleep(50)
    }
    throw new Error(`the service did not get ready: ${output}`)
  }
  const kill = async (proc: ChildProcess, signal: NodeJS.Signals) => {
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill(signal)
    await exited
  }
  t.teardown(async () => { if (child !== undefined && child.exitCode === null && child.signalCode === null) await kill(child, 'SIGKILL') })

  const api = async (method: string, url: string, key: string, body?: object) => {
    const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
    const json = await res.json() as Record<string, any>
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }

  let proc = await start()
  const tenant = await api('POST', '/v1/admin/tenants', ADMIN_KEY, { name: 'kill test' })
  const { key } = await api('POST', `/v1/admin/tenants/${tenant.id as string}/api-keys`, ADMIN_KEY, { name: 'k' })
  const subscribed = ['application.created', 'application.updated', 'publication.status_changed', 'sync.failed']
  await api('POST', '/v1/webhooks', key, { url: hook.url, events: subscribed })
  const account = djinni.addAccount({ key: 'kill-test-key' })
  const integration = await api('POST', '/v1/integrations', key, { board: 'djinni', name: 'Djinni', credentials: { keyName: 'k', apiKey: account.key } })
  await api('PUT', '/v1/jobs/kill-1', key, { title: 'Node.js engineer', description: LONG_DESCRIPTION })
  const publication = await api('POST', '/v1/jobs/kill-1/publications', key, {
    integrationId: integration.id, fields: { category: 'JavaScript', experienceYears: 3, location: 'Kyiv', remoteType: 'remote' }, publicationType: 'standard', publish: true
  })
  djinni.addCandidates(Number(publication.posting.externalId), APPLICATIONS)
  // due now, whether or not the first sync ran before the candidates were there
  await database.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', publication.id).execute()

  const stored = async () => Number((await database.db.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n'))
    .where('publication_id', '=', publication.id).executeTakeFirstOrThrow()).n)

  // kill at random points: right after start, mid-page, while waiting for a lease, while delivering
  const progress: number[] = []
  for (let i = 0; i < KILLS; i++) {
    await sleep(200 + Math.floor(random() * 3_300))
    await kill(proc, 'SIGKILL')
    progress.push(await stored())
    proc = await start()
  }
  phase('kills done')
  t.comment(`kills: ${KILLS}; applications stored at each kill: ${progress.join(', ')}`)
  t.ok(progress.some(n => n > 0 && n < APPLICATIONS), 'killed in the middle of the sync')

  // the last process finishes the sync and delivers the backlog (a delivery claimed by a killed
  // process waits out its 60 s lease)
  for (let i = 0; i < 600 && await stored() < APPLICATIONS; i++) await sleep(250)
  phase(`sync done (${await stored()})`)
  // the events the webhook subscribed to (others, e.g. publication.posting_changed, go to nobody here)
  const events = async () => (await database.db.selectFrom('outbox_events').select(['event_id', 'type']).where('type', 'in', subscribed).execute())
  // (the fair dispatcher sends one endpoint's backlog of 20,000 at 100–500 a second, by the machine's load)
  for (let i = 0; i < 1000; i++) {
    const all = await events()
    if (all.length > 0 && all.every(e => hook.received.has(e.event_id))) break
    await sleep(250)
  }
  phase('delivered')
  await kill(proc, 'SIGTERM')

  const { rows } = await sql<{ n: number, distinct: number }>`
    select count(*)::int as n, count(distinct external_id)::int as distinct from applications where publication_id = ${publication.id}`.execute(database.db)
  t.same(rows[0], { n: APPLICATIONS, distinct: APPLICATIONS }, `exactly the ${APPLICATIONS} applications, once each`)
  const row = await database.db.selectFrom('publications').select(['application_count', 'status']).where('id', '=', publication.id).executeTakeFirstOrThrow()
  t.same(row, { application_count: APPLICATIONS, status: 'published' }, 'the count is exact, the publication published')
  const runs = await database.db.selectFrom('sync_runs').select(['status']).where('publication_id', '=', publication.id).execute()
  t.equal(runs.filter(r => r.status === 'running').length, 0, 'no run left running')

  const all = await events()
  const created = all.filter(e => e.type === 'application.created')
  t.equal(created.length, APPLICATIONS, 'one application.created event per application')
  const lost = all.filter(e => !hook.received.has(e.event_id))
  t.equal(lost.length, 0, `every outbox event delivered at least once (${all.length} events; lost: ${lost.slice(0, 5).map(e => e.event_id).join(', ')})`)
  const repeats = [...hook.received.values()].filter(n => n > 1).length
  t.comment(`kill test: ${KILLS} kills, ${runs.length} sync runs, ${all.length} events, ${hook.received.size} distinct received, ${repeats} received more than once`)
}
