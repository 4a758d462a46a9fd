// The SQL of the sync engine: claiming due publications under a lease, renewing and releasing it,
// and the sync run records.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/index.js'
import type { Database, Publication, PublicationErrorRecord, SyncRun, UnstorableResponse } from '../db/schema.js'

type Trx = Transaction<Database>

/** a claimed publication; `takenOver` when its lease had expired under another owner (that owner died or stalled) */
export interface Claimed {
  publication: Publication
  takenOver: boolean
}

const claimedOf = ({ taken_over: takenOver, ...publication }: Publication & { taken_over: boolean }): Claimed => ({ publication, takenOver })

/**
 * Claims up to `limit` due publications for `owner`: published, due, and not leased (or the lease
 * expired, i.e. its owner died), and not of an integration the board serves no API to
 * (`no_api_access`: they wait until a check of the integration passes). SKIP LOCKED lets replicas
 * claim side by side without waiting on each other or taking the same row.
 */
export async function claimDuePublications (db: Db, owner: string, limit: number, leaseMs: number, exclude: string[] = []): Promise<Claimed[]> {
  if (limit <= 0) return []
  const { rows } = await sql<Publication & { taken_over: boolean }>`
    with due as (
      select id, lease_owner is not null as taken_over from publications
      where status = 'published' and next_sync_at <= now()
        and (lease_expires_at is null or lease_expires_at < now())
        and not exists (select 1 from integrations i where i.id = publications.integration_id and i.status = 'no_api_access')
        ${exclude.length > 0 ? sql`and id <> all(${exclude}::uuid[])` : sql``}
      order by next_sync_at
      limit ${limit}
      for update skip locked
    )
    update publications p set lease_owner = ${owner}, lease_expires_at = now() + ${`${leaseMs} milliseconds`}::interval
    from due where p.id = due.id
    returning p.*, due.taken_over`.execute(db)
  return rows.map(claimedOf)
}

/**
 * Claims up to `limit` publications whose posting check is due (a posting under the board's review,
 * or on the board with sync off): the due time is pushed `leaseMs` ahead in the claim itself, so
 * another replica does not take it meanwhile and a check that dies is simply due again then. Reads
 * only the partial index of rows that have a check at all: publications with nothing to check, or
 * not due, cost nothing per tick.
 */
export async function claimDuePostingChecks (db: Db, limit: number, leaseMs: number, exclude: string[] = []): Promise<Publication[]> {
  if (limit <= 0) return []
  const { rows } = await sql<Publication>`
    update publications set posting_check_at = now() + ${`${leaseMs} milliseconds`}::interval
    where id in (
      select id from publications
      where posting_check_at <= now()
        ${exclude.length > 0 ? sql`and id <> all(${exclude}::uuid[])` : sql``}
      order by posting_check_at
      limit ${limit}
      for update skip locked
    )
    returning *`.execute(db)
  return rows
}

/** claims one publication now (a manual sync); undefined when another owner holds it */
export async function claimPublication (db: Db, tenantId: string, id: string, owner: string, leaseMs: number): Promise<Claimed | undefined> {
  const { rows } = await sql<Publication & { taken_over: boolean }>`
    with free as (
      select id, lease_owner is not null as taken_over from publications
      where id = ${id} and tenant_id = ${tenantId} and status = 'published'
        and (lease_expires_at is null or lease_expires_at < now())
      for update
    )
    update publications p set lease_owner = ${owner}, lease_expires_at = now() + ${`${leaseMs} milliseconds`}::interval,
      last_manual_sync_at = now()
    from free where p.id = free.id
    returning p.*, free.taken_over`.execute(db)
  return rows[0] === undefined ? undefined : claimedOf(rows[0])
}

/**
 * How long, in seconds, the publication due for a sync the longest has waited to be claimed (0
 * when none waits). Runs under way (a live lease) are not waiting. Reads the due index from its
 * oldest end.
 */
export async function oldestDueSeconds (db: Db): Promise<number> {
  const { rows } = await sql<{ seconds: number | null }>`
    select extract(epoch from now() - min(next_sync_at))::float8 as seconds from publications
    where status = 'published' and next_sync_at <= now()
      and (lease_expires_at is null or lease_expires_at < now())`.execute(db)
  return Math.max(0, rows[0]?.seconds ?? 0)
}

/** extends our lease; false when it is no longer ours (it expired and someone took over) */
export async function renewLease (trx: Trx | Db, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rows } = await sql`
    update publications set lease_expires_at = now() + ${`${leaseMs} milliseconds`}::interval
    where id = ${id} and lease_owner = ${owner} and lease_expires_at >= now()
    returning id`.execute(trx)
  return rows.length > 0
}

/** gives the publication back, due again after `nextInMs` */
export async function releaseLease (db: Db, id: string, owner: string, nextInMs: number, synced: boolean): Promise<void> {
  await release(id, owner, nextInMs, synced).execute(db)
}

const release = (id: string, owner: string, nextInMs: number, synced: boolean) => sql`
  update publications set lease_owner = null, lease_expires_at = null, next_sync_trigger = null,
    next_sync_at = now() + ${`${nextInMs} milliseconds`}::interval
    ${synced ? sql`, last_synced_at = now()` : sql``}
  where id = ${id} and lease_owner = ${owner}`

/** due now: right after publish, activation or link, and on "sync now" */
export async function makeDueNow (db: Db | Trx, id: string): Promise<void> {
  await db.updateTable('publications').set({ next_sync_at: new Date(), next_sync_trigger: 'activation' }).where('id', '=', id).execute()
}

/** a new run of the publication; runs it left 'running' (their process died) end here, in the same statement */
export async function startRun (db: Db, run: { tenantId: string, publicationId: string, trigger: SyncRun['trigger'], owner: string, cursor: string | null }): Promise<SyncRun> {
  const { rows } = await sql<SyncRun>`
    with abandoned as (${abandonRuns(run.publicationId)})
    insert into sync_runs (tenant_id, publication_id, trigger, status, owner, cursor_start)
    values (${run.tenantId}, ${run.publicationId}, ${run.trigger}, 'running', ${run.owner}, ${run.cursor})
    returning *`.execute(db)
  return rows[0]!
}

/** how many unstorable responses a run names (their count in `skipped` goes on) */
export const UNSTORABLE_LISTED = 100

/** what a stored batch of pages adds to the run, and the cursor its last page reached */
export async function recordPages (trx: Trx, runId: string, publicationId: string, page: { pages: number, fetched: number, created: number, updated: number, skipped: Record<string, number>, unstorable: UnstorableResponse[], cursor: string | null }): Promise<void> {
  await sql`
    with publication as (
      update publications set sync_cursor = ${page.cursor}, application_count = application_count + ${page.created}
      where id = ${publicationId}
    )
    update sync_runs set pages = pages + ${page.pages}, fetched = fetched + ${page.fetched}, created = created + ${page.created},
      updated = updated + ${page.updated}, cursor_end = ${page.cursor},
      skipped = (select coalesce(jsonb_object_agg(key, total), '{}'::jsonb) from (
        select key, sum(value::int) as total from (
          select * from jsonb_each_text(skipped) union all select * from jsonb_each_text(${JSON.stringify(page.skipped)}::jsonb)
        ) parts group by key) sums),
      unstorable = (select coalesce(jsonb_agg(e order by n), '[]'::jsonb) from (
        select e, n from jsonb_array_elements(unstorable || ${JSON.stringify(page.unstorable)}::jsonb) with ordinality as listed(e, n)
        order by n limit ${UNSTORABLE_LISTED}) firsts)
    where id = ${runId}`.execute(trx)
}

/** a run that succeeded: the publication is given back, due again after `nextInMs`, in the same statement */
export async function finishSucceededRun (db: Db | Trx, runId: string, publicationId: string, owner: string, nextInMs: number): Promise<SyncRun> {
  const { rows } = await sql<SyncRun>`
    with released as (${release(publicationId, owner, nextInMs, true)})
    update sync_runs set status = 'succeeded', finished_at = now(), error = null
    where id = ${runId}
    returning *`.execute(db)
  return rows[0]!
}

export async function finishRun (db: Db | Trx, runId: string, outcome: { error: PublicationErrorRecord | null }): Promise<SyncRun> {
  return await db.updateTable('sync_runs').set({
    status: outcome.error === null ? 'succeeded' : 'failed',
    finished_at: new Date(),
    error: outcome.error === null ? null : JSON.stringify(outcome.error)
  }).where('id', '=', runId).returningAll().executeTakeFirstOrThrow()
}

/** a failure streak longer than this retries no later (src/sync/runner.ts retryDelay): retention keeps this many */
export const FAILURE_STREAK_COUNTED = 30

/** failed runs that say something about the board: not our own processes' (abandoned, lease lost) */
const countedFailure = (table: string) => sql.raw(`coalesce(${table}.error->>'code', '') not in ('JOBSYNC_ERR_SYNC_ABANDONED', 'JOBSYNC_ERR_LEASE_LOST')`)

/**
 * Failed runs of the publication since its last successful one: how long the board has been
 * failing it. Runs our own processes left (abandoned by a process that died, lease lost to another)
 * say nothing about the board and do not count.
 */
export async function failedRunsInARow (db: Db, publicationId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from sync_runs
    where publication_id = ${publicationId} and status = 'failed'
      and ${countedFailure('sync_runs')}
      and started_at > coalesce((select max(started_at) from sync_runs where publication_id = ${publicationId} and status = 'succeeded'), '-infinity')`.execute(db)
  return rows[0]?.n ?? 0
}

/**
 * Retention: deletes up to `batch` finished runs started more than `days` ago, but what the runner
 * and the tenant still need of a publication's history: its last successful run, and the failure
 * streak after it as far as it counts (failedRunsInARow: a run goes only once FAILURE_STREAK_COUNTED
 * counted failures follow it), so its latest run always stays. Runs another transaction holds are
 * skipped, never waited for. How many went.
 */
export async function pruneRuns (db: Db, days: number, batch: number): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    with doomed as (
      select r.id from sync_runs r
      where r.started_at < now() - make_interval(days => ${days}) and r.status <> 'running'
        and (
          exists (select 1 from sync_runs s
                  where s.publication_id = r.publication_id and s.status = 'succeeded' and s.started_at > r.started_at)
          or (r.status = 'failed' and exists (
                select 1 from sync_runs f
                where f.publication_id = r.publication_id and f.status = 'failed' and f.started_at > r.started_at
                  and ${countedFailure('f')}
                offset ${FAILURE_STREAK_COUNTED - 1} limit 1)))
      order by r.started_at
      limit ${batch}
      for update of r skip locked
    )
    delete from sync_runs r using doomed where r.id = doomed.id
    returning r.id`.execute(db)
  return rows.length
}

export async function listRuns (db: Db, publicationId: string, limit: number): Promise<SyncRun[]> {
  return await db.selectFrom('sync_runs').selectAll().where('publication_id', '=', publicationId)
    .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

export async function runningRun (db: Db, publicationId: string): Promise<SyncRun | undefined> {
  return await db.selectFrom('sync_runs').selectAll().where('publication_id', '=', publicationId).where('status', '=', 'running')
    .orderBy('started_at', 'desc').executeTakeFirst()
}

const ABANDONED = JSON.stringify({ code: 'JOBSYNC_ERR_SYNC_ABANDONED', title: 'Run abandoned', detail: 'the process running it stopped; the next run resumed from its last stored page', field: null, boardStatus: null })

/** runs left 'running' by a process that died: their lease expired, so they ended */
const abandonRuns = (publicationId: string) => sql`
  update sync_runs set status = 'failed', finished_at = now(), error = ${ABANDONED}::jsonb
  where publication_id = ${publicationId} and status = 'running'`
