// Candidates, their identities and their applications. Pages of a sync are written here, in the
// transaction the runner opens for the page.
import { sql, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.js'
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
    updated_at: new Date()
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

/** inserts or updates one application; true when it was new */
export async function upsertApplication (trx: Trx, ctx: ApplicationContext, candidateId: string, item: NormalizedApplication): Promise<'created' | 'updated' | 'unchanged'> {
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
      updated_at: new Date()
    // a re-fetched response the board did not change is no change for the host's feed either
    })).where(sql<boolean>`applications.raw is distinct from excluded.raw`))
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirst()
  if (row === undefined) return 'unchanged'
  return row.inserted ? 'created' : 'updated'
}
