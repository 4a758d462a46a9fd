// Storing a page of a board's applicants: each response becomes an application, each person one
// candidate of the tenant (matched by normalised email or phone across boards, dedupe.ts), and the
// host hears of exactly what changed, in the page's transaction.
import type { Transaction } from 'kysely'
import { randomUUID } from 'node:crypto'
import type { BoardApplication } from '../../boards/types.js'
import { unstorableReason } from '../../db/errors.js'
import type { Database, UnstorableResponse } from '../../db/schema.js'
import { emitMany, type OutboxEvent } from '../../outbox/events.js'
import { cleanApplication, identitiesOf, normalizeApplication, planPage, type NormalizedApplication } from './dedupe.js'
import * as candidates from './repo.js'

export interface PageCounts {
  created: number
  updated: number
  unchanged: number
  /** responses the database refused even cleaned (an impossible date, a value too large), with why */
  unstorable: UnstorableResponse[]
}

/**
 * Stores a page, and when the database refuses one of its values, every response of the page that
 * it takes: the page goes in as one (savepoint), and only when that fails on a value are its
 * responses stored one by one, each in its own savepoint, those refused left out and named. One
 * applicant's bad data costs the page a slower store, never the run.
 */
export async function storePageSkippingUnstorable (trx: Transaction<Database>, ctx: candidates.ApplicationContext, items: BoardApplication[], identityLocksMax: number): Promise<PageCounts> {
  const whole = await candidates.inSavepoint(trx, 'page', async () => await storePage(trx, ctx, items, identityLocksMax))
  if (whole.ok) return whole.value
  if (unstorableReason(whole.error) === null || items.length === 0) throw whole.error
  const counts: PageCounts = { created: 0, updated: 0, unchanged: 0, unstorable: [] }
  for (const item of items) {
    const one = await candidates.inSavepoint(trx, 'response', async () => await storePage(trx, ctx, [item], identityLocksMax))
    if (one.ok) {
      counts.created += one.value.created
      counts.updated += one.value.updated
      counts.unchanged += one.value.unchanged
      continue
    }
    const reason = unstorableReason(one.error)
    if (reason === null) throw one.error
    counts.unstorable.push({ externalId: cleanApplication(item).externalId, reason })
  }
  return counts
}

/**
 * Stores one page of applications in a handful of statements, whatever its length: the locks of
 * the page's identities (the tenant's lock alone when there are more than `identityLocksMax`), what
 * the database knows of the page (one statement), candidates matched or made in memory in the page's
 * order, then one statement each for filled-in candidates, new candidates with their identities, and
 * the applications, then the events of what changed, in the page's order.
 */
export async function storePage (trx: Transaction<Database>, ctx: candidates.ApplicationContext, items: BoardApplication[], identityLocksMax: number): Promise<PageCounts> {
  const counts: PageCounts = { created: 0, updated: 0, unchanged: 0, unstorable: [] }
  if (items.length === 0) return counts
  const normalized = items.map(normalizeApplication)
  const identities = normalized.flatMap(identitiesOf)
  await candidates.lockIdentities(trx, ctx.tenantId, identities, identityLocksMax)
  const { existing, known } = await candidates.matchPage(trx, ctx.tenantId, ctx.publicationId, normalized.map(i => i.externalId), identities)
  const plan = planPage(normalized, existing, known, randomUUID)
  await candidates.enrichCandidates(trx, plan.enriched)
  await candidates.insertCandidatesAndIdentities(trx, ctx.tenantId, plan.created, plan.identities)

  // one upsert cannot touch a row twice: a response the page lists twice goes in a second round
  const rounds: Array<Array<{ candidateId: string, item: NormalizedApplication }>> = []
  const seen = new Map<string, number>()
  normalized.forEach((item, index) => {
    const round = seen.get(item.externalId) ?? 0
    seen.set(item.externalId, round + 1)
    ;(rounds[round] ??= []).push({ candidateId: plan.candidateOf[index]!, item })
  })
  const events: OutboxEvent[] = []
  for (const round of rounds) {
    const stored = await candidates.upsertApplications(trx, ctx, round)
    for (const { candidateId, item } of round) {
      const row = stored.get(item.externalId)
      const outcome = row === undefined ? 'unchanged' : row.inserted ? 'created' : 'updated'
      counts[outcome]++
      if (row === undefined) continue
      events.push({
        type: row.inserted ? 'application.created' : 'application.updated',
        subject: `candidate:${candidateId}`,
        data: { applicationId: row.id, candidateId, publicationId: ctx.publicationId, jobId: ctx.jobId, board: ctx.board, externalId: item.externalId }
      })
    }
  }
  // in the page's transaction, in one statement: the host hears of exactly what was stored
  await emitMany(trx, ctx.tenantId, events)
  return counts
}

