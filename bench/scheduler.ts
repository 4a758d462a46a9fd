// Scheduler: 10,000 published Djinni publications over 1,000 tenants (one account each), the fake
// board answering each page after 50 ms; all due at once. One replica, then three replicas on the
// same database (each its own process, the default SYNC_CONCURRENCY), timed until every
// publication is synced; every run is counted, so a publication synced twice shows. Then the cost
// of a claim with the same few publications due among 10,000 and among 100,000 that are not, for
// the syncs and for the posting checks (every other publication with a check that is not due).
import { sql } from 'kysely'
import type { ChildProcess } from 'node:child_process'
import * as syncRepo from '../src/sync/repo.js'
import { createPostgresDb } from '../src/db/index.js'
import { createBenchDb, dropBenchDb, report, scaled, seedDjinni, sleep, spawnTs, startFakeBoard, stopChild } from './lib/harness.js'

const TENANTS = scaled(1_000, 10)
const PER_TENANT = 10
const PUBLICATIONS = TENANTS * PER_TENANT
const LATENCY_MS = 50
const APPLICANTS = 2
const CONCURRENCY = Number(process.env.BENCH_SYNC_CONCURRENCY ?? '4')

async function main (): Promise<void> {
  const bench = await createBenchDb('scheduler')
  const board = await startFakeBoard({ perJob: APPLICANTS, latencyMs: LATENCY_MS })
  const handle = createPostgresDb(bench.url, 4)
  const db = handle.db
  try {
    await seedDjinni(db, { tenants: TENANTS, jobsPerTenant: PER_TENANT, firstJob: 1, due: false })
    await sql`vacuum analyze publications`.execute(db)

    const env = JSON.stringify({ DJINNI_API_URL: board.url, SCHEDULER_CRON: '* * * * * *', SYNC_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'warn' })
    async function phase (replicas: number) {
      await sql`truncate sync_runs, applications, candidate_identities, candidates, outbox_events, webhook_deliveries cascade`.execute(db)
      await sql`update publications set next_sync_at = now() - interval '1 second', next_sync_trigger = 'activation', last_synced_at = null,
        sync_cursor = null, lease_owner = null, lease_expires_at = null, application_count = 0`.execute(db)
      await sql`vacuum analyze publications`.execute(db)
      const children: ChildProcess[] = []
      try {
        for (let i = 0; i < replicas; i++) children.push((await spawnTs('lib/service.ts', { BENCH_DB_URL: bench.url, BENCH_ENV: env })).child)
        const started = performance.now()
        for (const child of children) child.send('start')
        const synced = async () => Number((await db.selectFrom('publications').select(eb => eb.fn.countAll<number>().as('n')).where('last_synced_at', 'is not', null).executeTakeFirstOrThrow()).n)
        while (await synced() < PUBLICATIONS) {
          if (performance.now() - started > 15 * 60_000) throw new Error('the scheduler phase did not finish in 15 minutes')
          await sleep(100)
        }
        const ms = performance.now() - started
        // every replica's runs are finished records once its publications are synced; let them land
        await sleep(200)
        const runs = await sql<{ runs: number, publications: number, doubled: number, failed: number, owners: number }>`
          select count(*)::int as runs, count(distinct publication_id)::int as publications,
            (select count(*)::int from (select publication_id from sync_runs group by 1 having count(*) > 1) d) as doubled,
            count(*) filter (where status <> 'succeeded')::int as failed, count(distinct owner)::int as owners
          from sync_runs`.execute(db)
        const { rows: [overlap] } = await sql<{ n: number }>`
          select count(*)::int as n from sync_runs a join sync_runs b on a.publication_id = b.publication_id and a.id < b.id
          where tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)`.execute(db)
        const r = runs.rows[0]!
        return { replicas, ms: Math.round(ms), perSecond: Math.round(PUBLICATIONS / (ms / 1000) * 10) / 10, ...r, overlapping: overlap?.n ?? 0 }
      } finally {
        await Promise.all(children.map(stopChild))
      }
    }
    const one = await phase(1)
    const three = await phase(3)

    // the claim with 20 due among the rest, at 10k and at 100k publications not due
    async function claimCost (label: string) {
      await sql`update publications set next_sync_at = now() + interval '1 day', lease_owner = null, lease_expires_at = null`.execute(db)
      // that rewrote every row: without a vacuum the claim would be timed over their dead versions
      await sql`vacuum analyze publications`.execute(db)
      const due = await db.selectFrom('publications').select('id').limit(20).execute()
      const times: number[] = []
      let plan: string[] = []
      for (let i = 0; i < 40; i++) {
        await db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000), lease_owner: null, lease_expires_at: null }).where('id', 'in', due.map(d => d.id)).execute()
        const started = performance.now()
        const claimed = await syncRepo.claimDuePublications(db, 'bench-claim', 20, 60_000)
        times.push(performance.now() - started)
        if (claimed.length !== 20) throw new Error(`claimed ${claimed.length} of 20 due`)
      }
      await db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000), lease_owner: null, lease_expires_at: null }).where('id', 'in', due.map(d => d.id)).execute()
      plan = (await db.transaction().execute(async trx => {
        // the claim as src/sync/repo.ts writes it (the due rows with whether their lease was taken over)
        const rows = (await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) with due as (select id, lease_owner is not null as taken_over from publications
          where status = 'published' and next_sync_at <= now() and (lease_expires_at is null or lease_expires_at < now())
          order by next_sync_at limit 20 for update skip locked)
          update publications p set lease_owner = 'bench-explain', lease_expires_at = now() + interval '1 minute'
          from due where p.id = due.id returning p.*, due.taken_over`.execute(trx)).rows.map(r => r['QUERY PLAN'])
        throw Object.assign(new Error('rollback'), { rows })
      }).catch((e: { rows?: string[] }) => e.rows ?? [])) as string[]
      times.sort((a, b) => a - b)

      // the posting checks' claim: every publication has a check, not due, but the same 20
      await sql`update publications set posting_check_at = now() + interval '1 day'`.execute(db)
      await sql`vacuum analyze publications`.execute(db)
      const checkTimes: number[] = []
      for (let i = 0; i < 40; i++) {
        await db.updateTable('publications').set({ posting_check_at: new Date(Date.now() - 1000) }).where('id', 'in', due.map(d => d.id)).execute()
        const started = performance.now()
        const claimed = await syncRepo.claimDuePostingChecks(db, 20, 60_000)
        checkTimes.push(performance.now() - started)
        if (claimed.length !== 20) throw new Error(`claimed ${claimed.length} of 20 due posting checks`)
      }
      checkTimes.sort((a, b) => a - b)
      await sql`update publications set posting_check_at = null`.execute(db)

      const total = Number((await db.selectFrom('publications').select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
      const median = (ts: number[]) => Math.round(ts[Math.floor(ts.length / 2)]! * 100) / 100
      return {
        label, publications: total, due: 20, medianMs: median(times), p90Ms: Math.round(times[Math.floor(times.length * 0.9)]! * 100) / 100, plan,
        postingChecks: { medianMs: median(checkTimes), p90Ms: Math.round(checkTimes[Math.floor(checkTimes.length * 0.9)]! * 100) / 100 }
      }
    }
    const small = await claimCost('10k')
    await seedDjinni(db, { tenants: TENANTS * 9, jobsPerTenant: PER_TENANT, firstJob: 10_000_000, due: false })
    await sql`vacuum analyze publications`.execute(db)
    const large = await claimCost('100k')

    const speedup = three.perSecond / one.perSecond
    report({
      benchmark: 'scheduler',
      publications: PUBLICATIONS,
      tenants: TENANTS,
      latencyMs: LATENCY_MS,
      applicantsPerPublication: APPLICANTS,
      concurrencyPerReplica: CONCURRENCY,
      one,
      three,
      speedup: Number(speedup.toFixed(2)),
      claim: { at10k: small, at100k: large, growth: Number((large.medianMs / small.medianMs).toFixed(2)) },
      postingCheckClaim: { at10k: small.postingChecks, at100k: large.postingChecks, growth: Number((large.postingChecks.medianMs / small.postingChecks.medianMs).toFixed(2)) },
      targets: {
        noDoubleSyncs: { met: one.doubled === 0 && three.doubled === 0 && one.overlapping === 0 && three.overlapping === 0 && one.runs === PUBLICATIONS && three.runs === PUBLICATIONS },
        speedup: { want: '>= 2.5', met: speedup >= 2.5 },
        claimFlat: { want: 'claim at 100k within 1.5x of 10k', met: large.medianMs <= small.medianMs * 1.5 + 0.5 },
        postingCheckClaimFlat: { want: 'posting-check claim at 100k within 1.5x of 10k', met: large.postingChecks.medianMs <= small.postingChecks.medianMs * 1.5 + 0.5 }
      }
    })
  } finally {
    await handle.close()
    await board.close()
    await dropBenchDb(bench.name)
  }
}

await main()
process.exit(0)
