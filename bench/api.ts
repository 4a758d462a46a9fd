// API: `GET /v1/applications?limit=50&after=<cursor>` (auth included) on a tenant with 1,000,000
// applications, 50 connections (autocannon) against the service in its own process, versus the
// same SQL the endpoint runs (the page, its feed horizon a subquery) straight through pg with the same
// 50-way concurrency and the service's pool size. Cursors are spread over the whole feed, so deep
// pages are read as often as the first one. Legs alternate (api, bare, api, bare) to even out a
// noisy machine.
import autocannon from 'autocannon'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import pg from 'pg'
import type { Database } from '../src/db/schema.js'
import { encodeCursor } from '../src/http/cursor.js'
import * as feed from '../src/modules/candidates/repo.js'
import { createBenchDb, dropBenchDb, report, scaled, seedDjinni, spawnTs, stopChild, sleep } from './lib/harness.js'

const APPLICATIONS = scaled(1_000_000, 10_000)
const CONNECTIONS = 50
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? '8')
const POOL = 10

async function seed (db: Kysely<Database>, tenantId: string): Promise<void> {
  const pubs = await db.selectFrom('publications').select(['id', 'job_id']).where('tenant_id', '=', tenantId).orderBy('id').execute()
  const pubIds = pubs.map(p => p.id)
  const jobIds = pubs.map(p => p.job_id)
  const people = Math.ceil(APPLICATIONS / 5)
  await sql`
    insert into candidates (id, tenant_id, first_name, last_name, emails, phones, skills)
    select md5('c' || g)::uuid, ${tenantId}, 'Olena', 'Bench ' || g, array['c' || g || '@bench.jobsync.dev'], array['+380' || (500000000 + g)], array['Node.js', 'SQL']
    from generate_series(1, ${people}) g`.execute(db)
  const chunk = 100_000
  for (let from = 1; from <= APPLICATIONS; from += chunk) {
    const to = Math.min(APPLICATIONS, from + chunk - 1)
    // ~1.3 KB a row (resume, cover letter, and the board's JSON); 50 rows share an updated_at, as a stored page does
    await sql`
      insert into applications (tenant_id, candidate_id, publication_id, job_id, board, external_id, applied_at, board_updated_at,
        first_name, last_name, emails, phones, resume_text, cover_letter, skills, url, raw, created_at, updated_at)
      select ${tenantId}, md5('c' || (g % ${people} + 1))::uuid, (${pubIds}::uuid[])[g % ${pubIds.length} + 1], (${jobIds}::uuid[])[g % ${jobIds.length} + 1],
        'djinni', g::text, ts, ts, 'Olena', 'Bench ' || g, array['c' || (g % ${people} + 1) || '@bench.jobsync.dev'], array['+380' || (500000000 + g % ${people} + 1)],
        'Backend engineer, ' || repeat(md5(g::text), 6), 'I would love to join your team. ' || md5((g * 7)::text), array['Node.js', 'SQL', 'Kafka'],
        'https://djinni.co/home/inbox/' || g || '/',
        jsonb_build_object('id', g, 'name', 'Olena Bench ' || g, 'email', 'c' || g || '@bench.jobsync.dev', 'cv_text', repeat(md5((g * 3)::text), 12),
          'skills', jsonb_build_array('Node.js', 'SQL', 'Kafka'), 'location', 'Kyiv', 'english_level', 'upper', 'updated_at', ts),
        ts, ts
      from generate_series(${from}::int, ${to}::int) g, lateral (select timestamptz '2026-01-01' + (g / 50) * interval '10 milliseconds' as ts) t`.execute(db)
  }
  await sql`vacuum analyze applications`.execute(db)
  await sql`vacuum analyze candidates`.execute(db)
}

interface Leg { perSecond: number, p50: number, p99: number, errors: number }

async function apiLeg (port: number, key: string, paths: string[], seconds: number): Promise<Leg> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
    requests: [{ method: 'GET', setupRequest: request => ({ ...request, path: paths[Math.floor(Math.random() * paths.length)]! }) }]
  })
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts }
}

/** the same statement per page through pg: the page at a random cursor */
async function bareLeg (pool: pg.Pool, pageSql: CompiledQuery, pageFirst: CompiledQuery, sentinel: { xid: string, id: string }, cursors: Array<{ xid: string, id: string } | undefined>, seconds: number): Promise<Leg> {
  const latencies: number[] = []
  let errors = 0
  const until = performance.now() + seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const started = performance.now()
      try {
        const after = cursors[Math.floor(Math.random() * cursors.length)]
        const query = after === undefined ? pageFirst : pageSql
        const params = query.parameters.map(p => p === sentinel.xid ? after!.xid : p === sentinel.id ? after!.id : p)
        await pool.query(query.sql, params)
      } catch {
        errors++
      }
      latencies.push(performance.now() - started)
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  latencies.sort((a, b) => a - b)
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors }
}

async function main (): Promise<void> {
  const bench = await createBenchDb('api')
  const captured: CompiledQuery[] = []
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: bench.url, max: 2 }) }), log: event => { captured.push(event.query) } })
  let server: Awaited<ReturnType<typeof spawnTs>> | undefined
  try {
    const seeded = await seedDjinni(db, { tenants: 1, jobsPerTenant: 10, firstJob: 1, due: false, keys: true })
    const tenantId = seeded.tenantIds[0]!
    const seedStarted = performance.now()
    await seed(db, tenantId)
    const seedMs = performance.now() - seedStarted

    // cursors spread over the whole feed (and one in ten requests without one: the head)
    const { rows: sample } = await sql<{ written_xid: string, id: string }>`
      select written_xid, id from applications tablesample system (1) where tenant_id = ${tenantId} limit 2000`.execute(db)
    const cursors: Array<{ xid: string, id: string } | undefined> = sample.map(r => ({ xid: r.written_xid, id: r.id }))
    for (let i = 0; i < cursors.length / 9; i++) cursors.push(undefined)
    const paths = cursors.map(c => c === undefined ? '/v1/applications?limit=50' : `/v1/applications?limit=50&after=${encodeCursor([c.xid, c.id])}`)

    // the SQL of the endpoint, exactly as the repo builds it
    const sentinel = { xid: '1234567', id: '00000000-0000-4000-8000-000000000001' }
    captured.length = 0
    await feed.applicationsFeed(db, tenantId, { after: sentinel, limit: 50 })
    await feed.applicationsFeed(db, tenantId, { limit: 50 })
    const [pageSql, firstSql] = captured as [CompiledQuery, CompiledQuery]
    const deep = cursors[0]!
    const plan = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...pageSql, sql: `explain (analyze, buffers) ${pageSql.sql}`, parameters: pageSql.parameters.map(p => p === sentinel.xid ? deep.xid : p === sentinel.id ? deep.id : p) })

    server = await spawnTs('lib/service.ts', { BENCH_DB_URL: bench.url, BENCH_ENV: JSON.stringify({ DATABASE_POOL_MAX: String(POOL), LOG_LEVEL: 'warn' }) })
    const port = server.hello.port as number
    const key = seeded.tenantKeys[0]!
    const pool = new pg.Pool({ connectionString: bench.url, max: POOL })

    // warm both paths, then alternate
    await apiLeg(port, key, paths, 2)
    await bareLeg(pool, pageSql, firstSql, sentinel, cursors, 2)
    const api: Leg[] = []
    const bare: Leg[] = []
    for (let round = 0; round < 2; round++) {
      api.push(await apiLeg(port, key, paths, SECONDS / 2))
      await sleep(300)
      bare.push(await bareLeg(pool, pageSql, firstSql, sentinel, cursors, SECONDS / 2))
      await sleep(300)
    }
    await pool.end()
    const mean = (legs: Leg[], k: keyof Leg) => Math.round(legs.reduce((s, l) => s + l[k], 0) / legs.length * 100) / 100
    const apiRate = mean(api, 'perSecond')
    const bareRate = mean(bare, 'perSecond')
    const p99 = Math.max(...api.map(l => l.p99))
    report({
      benchmark: 'api',
      applications: APPLICATIONS,
      seedSeconds: Math.round(seedMs / 100) / 10,
      connections: CONNECTIONS,
      seconds: SECONDS,
      api: { perSecond: apiRate, p50: mean(api, 'p50'), p99, errors: api.reduce((s, l) => s + l.errors, 0), legs: api },
      bare: { perSecond: bareRate, p50: mean(bare, 'p50'), p99: Math.max(...bare.map(l => l.p99)), errors: bare.reduce((s, l) => s + l.errors, 0), legs: bare },
      ratio: Number((apiRate / bareRate).toFixed(3)),
      pagePlan: plan.rows.map(r => r['QUERY PLAN']),
      targets: {
        ratio: { want: '>= 0.7', met: apiRate / bareRate >= 0.7 },
        p99: { want: '<= 25 ms', met: p99 <= 25 },
        errors: { met: api.every(l => l.errors === 0) }
      }
    })
  } finally {
    if (server !== undefined) await stopChild(server.child)
    await db.destroy()
    if (process.env.BENCH_KEEP_DB !== '1') await dropBenchDb(bench.name)
  }
}

await main()
process.exit(0)
