// Ingest: 100,000 applications (10 Djinni jobs of 10,000, ~1.3 KB each, 20% by repeat candidates)
// synced from the fake board (its own process, over loopback) into Postgres by the real path —
// the scheduler claims, the runner pages through the Djinni adapter, storePage writes — against
// the write limit: the same application rows written by a bare multi-row INSERT … ON CONFLICT
// through pg, one page (100 rows) per statement and transaction, one connection.
// Also the peak RSS growth of this process (the service) during the sync.
import { sql } from 'kysely'
import pg from 'pg'
import { applicant, REPEAT_EVERY } from './lib/applicants.js'
import { createBenchDb, dropBenchDb, MB, report, rssSampler, scaled, seedDjinni, serviceConfig, sleep, startFakeBoard, startService } from './lib/harness.js'

const JOBS = 10
const PER_JOB = Math.ceil(scaled(100_000, 1_000) / JOBS)
const TOTAL = PER_JOB * JOBS
const PAGE = 100
const FIRST_JOB = 1001

const COLUMNS = ['tenant_id', 'publication_id', 'job_id', 'board', 'external_id', 'candidate_id', 'applied_at', 'board_updated_at', 'first_name', 'last_name',
  'emails', 'phones', 'photo_url', 'birth_date', 'resume_text', 'resume_url', 'cover_letter', 'skills', 'url', 'raw'] as const

/** the write limit: every row of every job, one multi-row upsert per page, nothing else */
async function bareWrite (url: string, targets: Array<{ tenantId: string, publicationId: string, jobId: string, job: number, candidateId: string }>): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const started = performance.now()
  try {
    for (const target of targets) {
      for (let from = 0; from < PER_JOB; from += PAGE) {
        const params: unknown[] = []
        const tuples: string[] = []
        for (let n = from; n < Math.min(PER_JOB, from + PAGE); n++) {
          const c = applicant(target.job, n)
          const [first, ...last] = (c.name ?? '').split(' ')
          const row = [target.tenantId, target.publicationId, target.jobId, 'djinni', String(c.id), target.candidateId, c.created_at, c.updated_at, first, last.join(' '),
            [c.email], [c.phone], c.photo_url, c.birth_date?.slice(0, 10), c.cv_text, c.cv_url, c.cover_letter, c.skills, c.url, JSON.stringify(c)]
          tuples.push(`(${row.map((_, i) => `$${params.length + i + 1}`).join(', ')})`)
          params.push(...row)
        }
        await client.query('begin')
        await client.query(`insert into applications (${COLUMNS.join(', ')}) values ${tuples.join(', ')}
          on conflict (publication_id, external_id) do update set ${COLUMNS.slice(5).map(c => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
          where applications.raw is distinct from excluded.raw`, params)
        await client.query('commit')
      }
    }
    return performance.now() - started
  } finally {
    await client.end()
  }
}

async function main (): Promise<void> {
  const db = await createBenchDb('ingest')
  const board = await startFakeBoard({ perJob: PER_JOB, latencyMs: 0 })
  const config = serviceConfig(db.url, {
    DJINNI_API_URL: board.url,
    SCHEDULER_CRON: '* * * * * *',
    SYNC_CONCURRENCY: '4',
    SYNC_CONCURRENCY_PER_ACCOUNT: '4',
    // the service's defaults unless set: a batch of 500 brings about 1,000 emails and phones, more
    // than SYNC_IDENTITY_LOCKS_MAX (500), so these batches take turns under the tenant's lock
    ...(process.env.SYNC_IDENTITY_LOCKS_MAX === undefined ? {} : { SYNC_IDENTITY_LOCKS_MAX: process.env.SYNC_IDENTITY_LOCKS_MAX }),
    ...(process.env.SYNC_STORE_BATCH === undefined ? {} : { SYNC_STORE_BATCH: process.env.SYNC_STORE_BATCH })
  })
  const { app, handle } = await startService(config)
  try {
    // the write limit first, on publications of a tenant of its own, then an empty table again
    const bare = await seedDjinni(handle.db, { tenants: 1, jobsPerTenant: JOBS, firstJob: FIRST_JOB, due: false })
    const candidate = await handle.db.insertInto('candidates').values({ tenant_id: bare.tenantIds[0]!, first_name: 'Bare' }).returning('id').executeTakeFirstOrThrow()
    const pubs = await handle.db.selectFrom('publications').select(['id', 'tenant_id', 'job_id', 'posting_external_id']).where('tenant_id', '=', bare.tenantIds[0]!).execute()
    const bareMs = await bareWrite(db.url, pubs.map(p => ({ tenantId: p.tenant_id, publicationId: p.id, jobId: p.job_id, job: Number(p.posting_external_id), candidateId: candidate.id })))
    await sql`truncate applications, candidate_identities, candidates cascade`.execute(handle.db)
    await sql`vacuum analyze applications`.execute(handle.db)

    const seeded = await seedDjinni(handle.db, { tenants: 1, jobsPerTenant: JOBS, firstJob: FIRST_JOB, due: true })
    const tenantId = seeded.tenantIds[0]!
    globalThis.gc?.()
    await sleep(200)
    const rssBefore = process.memoryUsage.rss()
    const sampler = rssSampler(20)
    const started = performance.now()
    app.scheduler.start()
    const synced = async () => Number((await handle.db.selectFrom('publications').select(eb => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId).where('last_synced_at', 'is not', null).executeTakeFirstOrThrow()).n)
    const failed = async () => Number((await handle.db.selectFrom('sync_runs').select(eb => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId).where('status', '=', 'failed').executeTakeFirstOrThrow()).n)
    while (await synced() < JOBS) {
      if (await failed() > 0) throw new Error('a sync run failed: ' + JSON.stringify(await handle.db.selectFrom('sync_runs').select('error').where('status', '=', 'failed').execute()))
      await sleep(25)
    }
    const syncMs = performance.now() - started
    const rss = sampler.stop()
    await app.scheduler.stop()

    const count = async (table: 'applications' | 'candidates' | 'outbox_events') =>
      Number((await handle.db.selectFrom(table).select(eb => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n)
    const repeatPeople = Math.ceil(PER_JOB / REPEAT_EVERY)
    const expectedCandidates = repeatPeople + JOBS * (PER_JOB - repeatPeople)
    const runs = await handle.db.selectFrom('sync_runs').select(['pages', 'fetched', 'created', 'updated', 'status']).where('tenant_id', '=', tenantId).execute()
    const applications = await count('applications')
    const candidates = await count('candidates')
    const events = await count('outbox_events')
    const bareRate = TOTAL / (bareMs / 1000)
    const ingestRate = TOTAL / (syncMs / 1000)
    report({
      benchmark: 'ingest',
      applications: TOTAL,
      jobs: JOBS,
      bytesPerApplication: JSON.stringify(applicant(FIRST_JOB, 1)).length,
      bare: { ms: Math.round(bareMs), perSecond: Math.round(bareRate) },
      sync: { ms: Math.round(syncMs), perSecond: Math.round(ingestRate), runs: runs.length, pages: runs.reduce((s, r) => s + r.pages, 0), created: runs.reduce((s, r) => s + r.created, 0) },
      ratio: Number((ingestRate / bareRate).toFixed(3)),
      rss: { beforeMb: Math.round(rssBefore / MB), peakMb: Math.round(rss.peak / MB), growthMb: Math.round((rss.peak - rssBefore) / MB), samples: rss.samples },
      check: { applications, candidates, expectedCandidates, events, allSucceeded: runs.every(r => r.status === 'succeeded') },
      targets: {
        ratio: { want: '>= 0.6', met: ingestRate / bareRate >= 0.6 },
        rate: { want: '>= 15000/s', met: ingestRate >= 15_000 },
        rss: { want: '< 150 MB', met: (rss.peak - rssBefore) / MB < 150 },
        correct: { met: applications === TOTAL && candidates === expectedCandidates && events === TOTAL }
      }
    })
  } finally {
    await app.close()
    await board.close()
    if (process.env.BENCH_KEEP_DB !== '1') await dropBenchDb(db.name)
  }
}

await main()
process.exit(0)
