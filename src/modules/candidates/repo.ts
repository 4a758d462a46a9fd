// Candidates, their identities and their applications. Pages of a sync are written here, in the
// transaction the runner opens for the page.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Application, Candidate, Database } from '../../db/schema.js'
import type { Identity, NormalizedApplication } from '../../sync/dedupe.js'

type Trx = Transaction<Database>

export async function lockTenantCandidates (trx: Trx, tenantId: string): Promise<void> {
  // identities of one tenant are resolved one page at a time: two syncs meeting the same new person
  // at once would otherwise make two candidates of them
  await sql`select pg_advisory_xact_lock(hashtextextended(${`candidates:${tenantId}`}, 0))`.execute(trx)
}

export async function existingApplications (trx: Trx, publicationId: string, externalIds: string[]): Promise<Map<string, { id: string, candidateId: string }>> {
  if (externalIds.length === 0) return new Map()
  const rows = await trx.selectFrom('applications').select(['id', 'external_id', 'candidate_id'])
    .where('publication_id', '=', publicationId).where('external_id', 'in', externalIds).execute()
  return new Map(rows.map(r => [r.external_id, { id: r.id, candidateId: r.candidate_id }]))
}

export async function knownIdentities (trx: Trx, tenantId: string, identities: Identity[]): Promise<Map<string, string>> {
  const known = new Map<string, string>()
  for (const kind of ['email', 'phone'] as const) {
    const values = [...new Set(identities.filter(i => i.kind === kind).map(i => i.value))]
    if (values.length === 0) continue
    const rows = await trx.selectFrom('candidate_identities').select(['value', 'candidate_id'])
      .where('tenant_id', '=', tenantId).where('kind', '=', kind).where('value', 'in', values).execute()
    for (const row of rows) known.set(`${kind}:${row.value}`, row.candidate_id)
  }
  return known
}

export async function insertCandidate (trx: Trx, tenantId: string, item: NormalizedApplication): Promise<string> {
  const row = await trx.insertInto('candidates').values({
    tenant_id: tenantId,
    first_name: item.firstName,
    last_name: item.lastName,
    middle_name: item.middleName,
    emails: item.emails,
    phones: item.phones,
    photo_url: item.photoUrl,
    birth_date: item.birthDate,
    skills: item.skills
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

/** fills what the candidate lacks from another application; never replaces a value with a blank */
export async function enrichCandidate (trx: Trx, candidateId: string, item: NormalizedApplication): Promise<void> {
  await trx.updateTable('candidates').set(eb => ({
    first_name: eb.fn.coalesce('first_name', eb.val(item.firstName)),
    last_name: eb.fn.coalesce('last_name', eb.val(item.lastName)),
    middle_name: eb.fn.coalesce('middle_name', eb.val(item.middleName)),
    photo_url: eb.fn.coalesce('photo_url', eb.val(item.photoUrl)),
    birth_date: eb.fn.coalesce('birth_date', sql<string>`${item.birthDate}::date`),
    emails: sql<string[]>`array(select distinct unnest(emails || ${item.emails}::text[]))`,
    phones: sql<string[]>`array(select distinct unnest(phones || ${item.phones}::text[]))`,
    skills: sql<string[]>`array(select distinct unnest(skills || ${item.skills}::text[]))`,
    // the database's clock, as the change feed's horizon is (see feedHorizon)
    updated_at: sql<Date>`now()`
  })).where('id', '=', candidateId).execute()
}

export async function claimIdentities (trx: Trx, tenantId: string, candidateId: string, identities: Identity[]): Promise<void> {
  if (identities.length === 0) return
  await trx.insertInto('candidate_identities')
    .values(identities.map(i => ({ tenant_id: tenantId, kind: i.kind, value: i.value, candidate_id: candidateId })))
    .onConflict(oc => oc.columns(['tenant_id', 'kind', 'value']).doNothing())
    .execute()
}

export interface ApplicationContext { tenantId: string, publicationId: string, jobId: string, board: string }

/** inserts or updates one application: whether it was new, changed or the same as stored */
export async function upsertApplication (trx: Trx, ctx: ApplicationContext, candidateId: string, item: NormalizedApplication): Promise<{ outcome: 'created' | 'updated' | 'unchanged', id: string | null }> {
  const values = {
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
  }
  const row = await trx.insertInto('applications')
    .values({ tenant_id: ctx.tenantId, publication_id: ctx.publicationId, job_id: ctx.jobId, board: ctx.board, external_id: item.externalId, ...values })
    .onConflict(oc => oc.columns(['publication_id', 'external_id']).doUpdateSet(eb => ({
      ...values,
      // a photo link the board made temporary, or a phone the board hid this time, is not lost
      photo_url: eb.fn.coalesce(eb.ref('excluded.photo_url'), eb.ref('applications.photo_url')),
      phones: sql<string[]>`case when cardinality(excluded.phones) = 0 then applications.phones else excluded.phones end`,
      updated_at: sql<Date>`now()`
    // a re-fetched response the board did not change is no change for the host's feed either
    })).where(sql<boolean>`applications.raw is distinct from excluded.raw`))
    .returning(['applications.id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .executeTakeFirst()
  if (row === undefined) return { outcome: 'unchanged', id: null }
  return { outcome: row.inserted ? 'created' : 'updated', id: row.id }
}

// ---------- reading ----------

/**
 * The change feed only serves rows older than every transaction still open: a sync that started
 * earlier but commits later writes rows with an earlier updated_at, and a reader that had passed
 * that time would never see them. Rows are stamped with now() (transaction start), so anything an
 * open transaction writes is at or after its xact_start; one millisecond of margin covers the
 * rounding to timestamptz(3).
 */
export async function feedHorizon (db: Db): Promise<Date> {
  const { rows } = await sql<{ horizon: Date }>`
    select least(now(), coalesce((
      select min(xact_start) from pg_stat_activity
      where xact_start is not null and pid <> pg_backend_pid() and datname = current_database()
    ), now())) - interval '1 millisecond' as horizon`.execute(db)
  return rows[0]?.horizon ?? new Date(Date.now() - 1000)
}

export interface FeedFilter {
  publicationId?: string
  jobId?: string
  board?: string
  candidateId?: string
  after?: { updatedAt: Date, id: string }
  horizon: Date
  limit: number
}

export async function applicationsFeed (db: Db, tenantId: string, f: FeedFilter): Promise<Array<Application & { host_job_id: string }>> {
  let query = db.selectFrom('applications')
    .innerJoin('jobs', 'jobs.id', 'applications.job_id')
    .selectAll('applications').select('jobs.host_job_id')
    .where('applications.tenant_id', '=', tenantId)
    .where('applications.updated_at', '<', f.horizon)
  if (f.publicationId !== undefined) query = query.where('applications.publication_id', '=', f.publicationId)
  if (f.jobId !== undefined) query = query.where('applications.job_id', '=', f.jobId)
  if (f.board !== undefined) query = query.where('applications.board', '=', f.board)
  if (f.candidateId !== undefined) query = query.where('applications.candidate_id', '=', f.candidateId)
  if (f.after !== undefined) {
    const { updatedAt, id } = f.after
    query = query.where(eb => eb.or([
      eb('applications.updated_at', '>', updatedAt),
      eb.and([eb('applications.updated_at', '=', updatedAt), eb('applications.id', '>', id)])
    ]))
  }
  return await query.orderBy('applications.updated_at').orderBy('applications.id').limit(f.limit).execute()
}

export async function candidatesFeed (db: Db, tenantId: string, f: { after?: { updatedAt: Date, id: string }, horizon: Date, limit: number }): Promise<Candidate[]> {
  let query = db.selectFrom('candidates').selectAll().where('tenant_id', '=', tenantId).where('updated_at', '<', f.horizon)
  if (f.after !== undefined) {
    const { updatedAt, id } = f.after
    query = query.where(eb => eb.or([eb('updated_at', '>', updatedAt), eb.and([eb('updated_at', '=', updatedAt), eb('id', '>', id)])]))
  }
  return await query.orderBy('updated_at').orderBy('id').limit(f.limit).execute()
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
  await sql`
    update candidates c set
      first_name = coalesce(c.first_name, s.first_name),
      last_name = coalesce(c.last_name, s.last_name),
      middle_name = coalesce(c.middle_name, s.middle_name),
      photo_url = coalesce(c.photo_url, s.photo_url),
      birth_date = coalesce(c.birth_date, s.birth_date),
      emails = array(select distinct unnest(c.emails || s.emails)),
      phones = array(select distinct unnest(c.phones || s.phones)),
      skills = array(select distinct unnest(c.skills || s.skills)),
      updated_at = now()
    from (
      select (array_agg(first_name order by array_position(${sources}::uuid[], id)) filter (where first_name is not null))[1] as first_name,
        (array_agg(last_name order by array_position(${sources}::uuid[], id)) filter (where last_name is not null))[1] as last_name,
        (array_agg(middle_name order by array_position(${sources}::uuid[], id)) filter (where middle_name is not null))[1] as middle_name,
        (array_agg(photo_url order by array_position(${sources}::uuid[], id)) filter (where photo_url is not null))[1] as photo_url,
        (array_agg(birth_date order by array_position(${sources}::uuid[], id)) filter (where birth_date is not null))[1] as birth_date,
        array(select unnest(emails) from candidates where id = any(${sources}::uuid[])) as emails,
        array(select unnest(phones) from candidates where id = any(${sources}::uuid[])) as phones,
        array(select unnest(skills) from candidates where id = any(${sources}::uuid[])) as skills
      from candidates where id = any(${sources}::uuid[])
    ) s
    where c.id = ${target} and c.tenant_id = ${tenantId}`.execute(trx)
  await sql`update applications set candidate_id = ${target}, updated_at = now() where tenant_id = ${tenantId} and candidate_id = any(${sources}::uuid[])`.execute(trx)
  await sql`update candidate_identities set candidate_id = ${target} where tenant_id = ${tenantId} and candidate_id = any(${sources}::uuid[])`.execute(trx)
  // earlier merges into a source now point at the target
  await sql`update candidate_merges set into_id = ${target} where tenant_id = ${tenantId} and into_id = any(${sources}::uuid[])`.execute(trx)
  await sql`insert into candidate_merges (from_id, tenant_id, into_id) select unnest(${sources}::uuid[]), ${tenantId}, ${target}`.execute(trx)
  await sql`delete from candidates where tenant_id = ${tenantId} and id = any(${sources}::uuid[])`.execute(trx)
}
