// Candidates, their identities and their applications. Pages of a sync are written here, in the
// transaction the runner opens for the page.
import { createHash } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Application, Candidate, Database } from '../../db/schema.js'
import type { CandidateFields, Identity, NormalizedApplication } from './dedupe.js'
import type { BoardId, Outcome } from '../../boards/types.js'

type Trx = Transaction<Database>

/**
 * A merge's lock: the tenant's candidates alone, while identities move between candidates. It waits
 * for the syncs storing pages of the tenant and holds off new ones until the merge commits.
 */
export async function lockTenantCandidates (trx: Trx, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${tenantLockKey(tenantId)})`.execute(trx)
}

/**
 * A sync's lock on the people of a page: the tenant's lock shared with other syncs (merges wait),
 * then one lock per email or phone the page brings, taken in one order by every sync so no two
 * wait on each other in a circle. Two syncs meeting the same new person queue on that person's
 * identity, so they cannot make two candidates of them; pages of different people store side by side.
 * A page bringing more than `max` identities takes the tenant's lock alone instead, as a merge does:
 * every lock of the server lives in one table of fixed size, which thousands per page could fill.
 */
export async function lockIdentities (trx: Trx, tenantId: string, identities: Identity[], max: number): Promise<void> {
  const keys = [...new Set(identities.map(i => identityLockKey(tenantId, i)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  if (keys.length > max) {
    await lockTenantCandidates(trx, tenantId)
    return
  }
  // unnest hands the keys to pg_advisory_xact_lock in the array's (sorted) order
  await sql`
    select pg_advisory_xact_lock_shared(${tenantLockKey(tenantId)}),
      (select count(pg_advisory_xact_lock(key)) from unnest(${keys.map(String)}::bigint[]) as key)`.execute(trx)
}

/**
 * Runs `work` inside a savepoint of the transaction: what it wrote is undone when it throws, and the
 * transaction goes on. The error comes back to the caller, who decides whether it ends the transaction.
 */
export async function inSavepoint<T> (trx: Trx, name: 'page' | 'response', work: () => Promise<T>): Promise<{ ok: true, value: T } | { ok: false, error: unknown }> {
  await sql`savepoint ${sql.id(name)}`.execute(trx)
  try {
    const value = await work()
    await sql`release savepoint ${sql.id(name)}`.execute(trx)
    return { ok: true, value }
  } catch (error) {
    await sql`rollback to savepoint ${sql.id(name)}`.execute(trx)
    return { ok: false, error }
  }
}

const tenantLockKey = (tenantId: string): string => lockKey(`candidates:${tenantId}`)
const identityLockKey = (tenantId: string, i: Identity): bigint => BigInt(lockKey(`identity:${tenantId}:${i.kind}:${i.value}`))
/** a 64-bit advisory lock key: the first 8 bytes of the name's SHA-256, signed as Postgres bigints are */
const lockKey = (name: string): string => createHash('sha256').update(name).digest().readBigInt64BE(0).toString()

/**
 * What the database already knows of a page, in one statement: the candidate of each response it
 * stored before (by external id), and the candidate holding each email and phone the page brings.
 */
export async function matchPage (trx: Trx, tenantId: string, publicationId: string, externalIds: string[], identities: Identity[]): Promise<{ existing: Map<string, string>, known: Map<string, string> }> {
  const existing = new Map<string, string>()
  const known = new Map<string, string>()
  if (externalIds.length === 0 && identities.length === 0) return { existing, known }
  const unique = [...new Map(identities.map(i => [`${i.kind}:${i.value}`, i])).values()]
  const { rows } = await sql<{ kind: 'application' | Identity['kind'], key: string, candidate_id: string }>`
    select 'application' as kind, external_id as key, candidate_id from applications
    where publication_id = ${publicationId} and external_id = any(${externalIds}::text[])
    union all
    select ci.kind, ci.value, ci.candidate_id from candidate_identities ci
    join unnest(${unique.map(i => i.kind)}::text[], ${unique.map(i => i.value)}::text[]) as wanted(kind, value)
      on ci.kind = wanted.kind and ci.value = wanted.value
    where ci.tenant_id = ${tenantId}`.execute(trx)
  for (const row of rows) {
    if (row.kind === 'application') existing.set(row.key, row.candidate_id)
    else known.set(`${row.kind}:${row.key}`, row.candidate_id)
  }
  return { existing, known }
}

/**
 * Fills what stored candidates lack from a page's applications; never replaces a value with a
 * blank. A candidate the page brings nothing new to is not written at all: its updated_at (and its
 * place in the candidates feed) stays where it was.
 */
export async function enrichCandidates (trx: Trx, enriched: ReadonlyMap<string, CandidateFields>): Promise<void> {
  if (enriched.size === 0) return
  // two pages joining the same candidates lock their rows in one order (by id), never in a circle
  await sql`select id from candidates where id = any(${[...enriched.keys()]}::uuid[]) order by id for no key update`.execute(trx)
  // one statement for the page: the values travel as one JSON array
  const values = JSON.stringify([...enriched].map(([id, c]) => ({
    id, first_name: c.firstName, last_name: c.lastName, middle_name: c.middleName, photo_url: c.photoUrl,
    birth_date: c.birthDate, emails: c.emails, phones: c.phones, skills: c.skills
  })))
  await sql`
    update candidates c set
      first_name = coalesce(c.first_name, v.first_name),
      last_name = coalesce(c.last_name, v.last_name),
      middle_name = coalesce(c.middle_name, v.middle_name),
      photo_url = coalesce(c.photo_url, v.photo_url),
      birth_date = coalesce(c.birth_date, v.birth_date),
      emails = array(select distinct unnest(c.emails || v.emails)),
      phones = array(select distinct unnest(c.phones || v.phones)),
      skills = array(select distinct unnest(c.skills || v.skills)),
      updated_at = now()
    from jsonb_to_recordset(${values}::jsonb) as v(id uuid, first_name text, last_name text, middle_name text, photo_url text,
      birth_date date, emails text[], phones text[], skills text[])
    where c.id = v.id and (
      (c.first_name is null and v.first_name is not null) or (c.last_name is null and v.last_name is not null)
      or (c.middle_name is null and v.middle_name is not null) or (c.photo_url is null and v.photo_url is not null)
      or (c.birth_date is null and v.birth_date is not null)
      or not (c.emails @> coalesce(v.emails, '{}')) or not (c.phones @> coalesce(v.phones, '{}')) or not (c.skills @> coalesce(v.skills, '{}')))`.execute(trx)
}

/**
 * A page's new candidates (with the ids the page gave them) and the emails and phones it claims for
 * new and known candidates, in one statement; an identity another page claimed first stays theirs.
 */
export async function insertCandidatesAndIdentities (trx: Trx, tenantId: string, created: ReadonlyMap<string, CandidateFields>, identities: Array<Identity & { candidateId: string }>): Promise<void> {
  const candidates = [...created].map(([id, c]) => ({
    id,
    tenant_id: tenantId,
    first_name: c.firstName,
    last_name: c.lastName,
    middle_name: c.middleName,
    emails: c.emails,
    phones: c.phones,
    photo_url: c.photoUrl,
    birth_date: c.birthDate,
    skills: c.skills
  }))
  const claims = identities.map(i => ({ tenant_id: tenantId, kind: i.kind, value: i.value, candidate_id: i.candidateId }))
  if (claims.length === 0) {
    if (candidates.length > 0) await trx.insertInto('candidates').values(candidates).execute()
  } else if (candidates.length === 0) {
    await trx.insertInto('candidate_identities').values(claims).onConflict(oc => oc.columns(['tenant_id', 'kind', 'value']).doNothing()).execute()
  } else {
    // the candidates go in as a CTE of the same statement: the identities' foreign keys are checked at its end
    await trx.with('new_candidates', db => db.insertInto('candidates').values(candidates))
      .insertInto('candidate_identities').values(claims).onConflict(oc => oc.columns(['tenant_id', 'kind', 'value']).doNothing()).execute()
  }
}

export interface ApplicationContext { tenantId: string, publicationId: string, jobId: string, board: BoardId }

/**
 * Inserts or updates a page's applications in one statement (their external ids must be distinct):
 * by external id, the row's id and whether it was new. An application whose stored columns would
 * all stay as they are (what the board sent, and what we mapped from it) is not written: not its
 * row, not its updated_at, and it is absent from the answer, so no event goes out for it.
 */
export async function upsertApplications (trx: Trx, ctx: ApplicationContext, rows: Array<{ candidateId: string, item: NormalizedApplication }>): Promise<Map<string, { id: string, inserted: boolean }>> {
  if (rows.length === 0) return new Map()
  const stored = await trx.insertInto('applications')
    .values(rows.map(({ candidateId, item }) => ({
      tenant_id: ctx.tenantId,
      publication_id: ctx.publicationId,
      job_id: ctx.jobId,
      board: ctx.board,
      external_id: item.externalId,
      candidate_id: candidateId,
      applied_at: item.appliedAt,
      board_updated_at: item.updatedAt,
      first_name: item.firstName,
      last_name: item.lastName,
      middle_name: item.middleName,
      emails: item.emails,
      phones: item.phones,
      photo_url: item.photoUrl,
      birth_date: item.birthDate,
      resume_text: item.resumeText,
      resume_url: item.resumeUrl,
      cover_letter: item.coverLetter,
      skills: item.skills,
      url: item.url,
      raw: JSON.stringify(item.raw ?? null)
    })))
    .onConflict(oc => oc.columns(['publication_id', 'external_id']).doUpdateSet(eb => ({
      candidate_id: eb.ref('excluded.candidate_id'),
      applied_at: eb.ref('excluded.applied_at'),
      board_updated_at: eb.ref('excluded.board_updated_at'),
      first_name: eb.ref('excluded.first_name'),
      last_name: eb.ref('excluded.last_name'),
      middle_name: eb.ref('excluded.middle_name'),
      emails: eb.ref('excluded.emails'),
      birth_date: eb.ref('excluded.birth_date'),
      resume_text: eb.ref('excluded.resume_text'),
      resume_url: eb.ref('excluded.resume_url'),
      cover_letter: eb.ref('excluded.cover_letter'),
      skills: eb.ref('excluded.skills'),
      url: eb.ref('excluded.url'),
      raw: eb.ref('excluded.raw'),
      // a photo link the board made temporary, or a phone the board hid this time, is not lost
      photo_url: eb.fn.coalesce(eb.ref('excluded.photo_url'), eb.ref('applications.photo_url')),
      phones: sql<string[]>`case when cardinality(excluded.phones) = 0 then applications.phones else excluded.phones end`,
      updated_at: sql<Date>`now()`
    // a re-fetched response that changes nothing is no change for the host's feed either; the mapped
    // columns count too (a better mapping of the same response is news), compared as they would be written
    })).where(sql<boolean>`(applications.raw, applications.candidate_id, applications.applied_at, applications.board_updated_at,
        applications.first_name, applications.last_name, applications.middle_name, applications.emails, applications.birth_date,
        applications.resume_text, applications.resume_url, applications.cover_letter, applications.skills, applications.url,
        applications.photo_url, applications.phones)
      is distinct from (excluded.raw, excluded.candidate_id, excluded.applied_at, excluded.board_updated_at,
        excluded.first_name, excluded.last_name, excluded.middle_name, excluded.emails, excluded.birth_date,
        excluded.resume_text, excluded.resume_url, excluded.cover_letter, excluded.skills, excluded.url,
        coalesce(excluded.photo_url, applications.photo_url),
        case when cardinality(excluded.phones) = 0 then applications.phones else excluded.phones end)`))
    .returning(['applications.id', 'applications.external_id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute()
  return new Map(stored.map(row => [row.external_id, { id: row.id, inserted: row.inserted }]))
}

// ---------- reading ----------

/**
 * The change feeds serve rows in the order of the transaction that wrote them (`written_xid`, set by
 * a trigger), then id, and only rows below the oldest transaction still running that can write
 * them: every row served was committed, and any transaction still open or yet to come writes with
 * an id above them, so a reader that moved past a row never misses a later one. A transaction gets
 * its id only when it first writes: read-only and idle sessions (a report, a pg_dump, a psql left
 * open) hold nothing back. Transaction ids are the server's, so the running ones (the snapshot's
 * xip, below its xmax) are narrowed to those not known to belong to another database: one that
 * pg_stat_activity does not show (yet, or to this user) counts, which may hold a row back a moment
 * but never lets one pass. A subquery of the page's own statement (one snapshot), so a page is one
 * round trip.
 */
const feedHorizon = sql<string>`(select least(
  pg_snapshot_xmax(pg_current_snapshot()),
  (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x
    where not exists (select 1 from pg_stat_activity a where a.backend_xid = x::xid and a.datname <> current_database()))))`

/** where a feed resumes: after this row (its writing transaction's id, as text, and its id) */
export interface FeedPosition { xid: string, id: string }

/** the largest uuid: a position "after (x, MAX_UUID)" is every row written by x + 1 and later */
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff'

/**
 * Where a cursor of the earlier feed order, (updated_at, id), resumes in this one: before the first
 * row written by the oldest transaction among the rows after it in the old order (or by any writer
 * still running), so nothing is skipped; rows written since by older transactions come again.
 */
export async function positionOfTimeCursor (db: Db, table: 'applications' | 'candidates', tenantId: string, after: { updatedAt: Date, id: string }): Promise<FeedPosition> {
  const { rows } = await sql<{ xid: string }>`
    select (least(
      (select min(written_xid) from ${sql.table(table)} where tenant_id = ${tenantId} and (updated_at, id) > (${after.updatedAt}, ${after.id}::uuid)),
      ${feedHorizon})::text::numeric - 1)::text as xid`.execute(db)
  return { xid: rows[0]?.xid ?? '0', id: MAX_UUID }
}

export interface FeedFilter {
  publicationId?: string
  jobId?: string
  board?: BoardId
  candidateId?: string
  after?: FeedPosition
  limit: number
}

export async function applicationsFeed (db: Db, tenantId: string, f: FeedFilter): Promise<Array<Application & { host_job_id: string }>> {
  let query = db.selectFrom('applications')
    .innerJoin('jobs', 'jobs.id', 'applications.job_id')
    .selectAll('applications').select('jobs.host_job_id')
    .where('applications.tenant_id', '=', tenantId)
    .where(sql<boolean>`applications.written_xid < ${feedHorizon}`)
  if (f.publicationId !== undefined) query = query.where('applications.publication_id', '=', f.publicationId)
  if (f.jobId !== undefined) query = query.where('applications.job_id', '=', f.jobId)
  if (f.board !== undefined) query = query.where('applications.board', '=', f.board)
  if (f.candidateId !== undefined) query = query.where('applications.candidate_id', '=', f.candidateId)
  if (f.after !== undefined) {
    // a row comparison, not `a > x or (a = x and b > y)`: only this form bounds the index scan, so a
    // page deep in the feed costs what the first one does
    query = query.where(sql<boolean>`(applications.written_xid, applications.id) > (${f.after.xid}::xid8, ${f.after.id}::uuid)`)
  }
  return await query.orderBy('applications.written_xid').orderBy('applications.id').limit(f.limit).execute()
}

export async function candidatesFeed (db: Db, tenantId: string, f: { after?: FeedPosition, limit: number }): Promise<Candidate[]> {
  let query = db.selectFrom('candidates').selectAll().where('tenant_id', '=', tenantId).where(sql<boolean>`written_xid < ${feedHorizon}`)
  if (f.after !== undefined) query = query.where(sql<boolean>`(written_xid, id) > (${f.after.xid}::xid8, ${f.after.id}::uuid)`)
  return await query.orderBy('written_xid').orderBy('id').limit(f.limit).execute()
}

export async function findCandidate (db: Db, tenantId: string, id: string): Promise<Candidate | undefined> {
  return await db.selectFrom('candidates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function applicationsOfCandidate (db: Db, candidateId: string): Promise<Array<Application & { host_job_id: string }>> {
  return await db.selectFrom('applications').innerJoin('jobs', 'jobs.id', 'applications.job_id')
    .selectAll('applications').select('jobs.host_job_id')
    .where('applications.candidate_id', '=', candidateId).orderBy('applications.created_at').orderBy('applications.id').execute()
}

/** one of the tenant's applications, with the integration it came through */
export async function findApplication (db: Db, tenantId: string, id: string): Promise<(Application & { integration_id: string }) | undefined> {
  return await db.selectFrom('applications').innerJoin('publications', 'publications.id', 'applications.publication_id')
    .selectAll('applications').select('publications.integration_id')
    .where('applications.tenant_id', '=', tenantId).where('applications.id', '=', id).executeTakeFirst()
}

/** where a merged candidate went, if it was merged */
export async function mergedInto (db: Db, tenantId: string, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('candidate_merges').select('into_id').where('tenant_id', '=', tenantId).where('from_id', '=', id).executeTakeFirst()
  return row?.into_id
}

/**
 * Folds `sources` into `target` (all the tenant's, checked by the caller under the tenant lock):
 * their applications and identities move over, the target fills its blanks from them (the first
 * listed first) and takes
 * the union of emails, phones and skills, and the sources are deleted and remembered as merged.
 */
export async function mergeCandidates (trx: Trx, tenantId: string, target: string, sources: string[]): Promise<void> {
  // the sources' fields, the first listed first, filled into the target as a sync fills a candidate
  const rows = await trx.selectFrom('candidates').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', sources).execute()
  rows.sort((a, b) => sources.indexOf(a.id) - sources.indexOf(b.id))
  const first = <T>(pick: (c: Candidate) => T | null): T | null => rows.map(pick).find(v => v !== null) ?? null
  await enrichCandidates(trx, new Map([[target, {
    firstName: first(c => c.first_name),
    lastName: first(c => c.last_name),
    middleName: first(c => c.middle_name),
    photoUrl: first(c => c.photo_url),
    birthDate: first(c => c.birth_date),
    emails: rows.flatMap(c => c.emails),
    phones: rows.flatMap(c => c.phones),
    skills: rows.flatMap(c => c.skills)
  }]]))
  // the target changed (it has their applications now) even where their fields brought nothing new
  await sql`update candidates set updated_at = now() where id = ${target}`.execute(trx)
  await sql`update applications set candidate_id = ${target}, updated_at = now() where tenant_id = ${tenantId} and candidate_id = any(${sources}::uuid[])`.execute(trx)
  await sql`update candidate_identities set candidate_id = ${target} where tenant_id = ${tenantId} and candidate_id = any(${sources}::uuid[])`.execute(trx)
  // earlier merges into a source now point at the target
  await sql`update candidate_merges set into_id = ${target} where tenant_id = ${tenantId} and into_id = any(${sources}::uuid[])`.execute(trx)
  await sql`insert into candidate_merges (from_id, tenant_id, into_id) select unnest(${sources}::uuid[]), ${tenantId}, ${target}`.execute(trx)
  await sql`delete from candidates where tenant_id = ${tenantId} and id = any(${sources}::uuid[])`.execute(trx)
}

/** the host's outcome on the application, pending its share to the board; undefined when the tenant has no such application */
export async function recordOutcome (trx: Trx, tenantId: string, applicationId: string, outcome: Outcome): Promise<{ candidate_id: string, publication_id: string, board: BoardId } | undefined> {
  return await trx.updateTable('applications')
    .set({ outcome, outcome_at: new Date(), outcome_shared: 'pending', outcome_error: null, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId).where('id', '=', applicationId)
    .returning(['candidate_id', 'publication_id', 'board']).executeTakeFirst()
}

/** which of `ids` are candidates of the tenant (a merged one is gone) */
export async function existingCandidateIds (trx: Trx, tenantId: string, ids: string[]): Promise<Set<string>> {
  const rows = await trx.selectFrom('candidates').select('id').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute()
  return new Set(rows.map(r => r.id))
}

export async function countApplications (trx: Transaction<Database>, tenantId: string, board: string): Promise<number> {
  const row = await trx.selectFrom('applications').select(eb => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId).where('board', '=', board as BoardId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Erases a candidate of the tenant (the caller holds the tenant's candidate lock): the events whose
 * subject is the person (their applications' events, a merge's), with their deliveries and attempts;
 * the candidate, and with it (foreign keys, on delete cascade) their identities, applications,
 * outcome shares and the merges folded into them. The publications' application counts lose the
 * erased applications (the count the sync keeps, as it adds them). What was erased, for the event
 * that tells the host.
 */
export async function eraseCandidate (trx: Trx, tenantId: string, id: string): Promise<{ applicationIds: string[], mergedCandidateIds: string[] }> {
  const applications = await trx.selectFrom('applications').select('id').where('tenant_id', '=', tenantId).where('candidate_id', '=', id).orderBy('id').execute()
  await sql`
    update publications p set application_count = greatest(p.application_count - erased.n, 0)
    from (select publication_id, count(*)::int as n from applications
          where tenant_id = ${tenantId} and candidate_id = ${id} group by publication_id) erased
    where p.id = erased.publication_id`.execute(trx)
  const merged = await trx.selectFrom('candidate_merges').select('from_id').where('tenant_id', '=', tenantId).where('into_id', '=', id).execute()
  const mergedCandidateIds = merged.map(m => m.from_id)
  const subjects = [id, ...mergedCandidateIds].map(c => `candidate:${c}`)
  await trx.deleteFrom('outbox_events').where('tenant_id', '=', tenantId).where('subject', 'in', subjects).execute()
  await trx.deleteFrom('candidates').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
  return { applicationIds: applications.map(a => a.id), mergedCandidateIds }
}
