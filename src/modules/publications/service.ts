// Publications: a host vacancy on one board through one installed account. The status machine is
// in status.ts; this module applies it. An action that talks to the board marks the row first
// (action + action_started_at, under the row lock), talks to the board with no lock held, then
// records the outcome under the lock again: a second action meanwhile gets a 409, and a crash
// leaves a mark that expires instead of a lock held forever.
import type { FastifyBaseLogger } from 'fastify'
import { Value } from 'typebox/value'
import { Type, type TObject } from 'typebox'
import type { Transaction } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Database, Integration, Publication, PublicationErrorRecord } from '../../db/schema.js'
import { AppError, conflict, invalidInput, notFound, type FieldError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { BoardRegistry } from '../../boards/registry.js'
import type { BoardAccount, BoardAdapter, PostingInput, PostingState } from '../../boards/types.js'
import { createdAfter, createdPage } from '../../http/cursor.js'
import type { IntegrationService } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import * as integrationRepo from '../integrations/repo.js'
import * as repo from './repo.js'
import type { CreatePublicationInput, LinkPublicationInput, ListPublicationsQuery, PublicationView, TransitionView, UpdatePublicationInput } from './schemas.js'
import { canApply, transition, type PublicationEvent, type PublicationStatus } from './status.js'
import { emit } from '../../outbox/events.js'

/** an action mark older than this is from a crashed process and may be taken over */
const ACTION_STALE_MS = 5 * 60_000

export interface PublicationServiceDeps {
  db: Db
  boards: BoardRegistry
  integrations: IntegrationService
  jobs: JobService
  log: FastifyBaseLogger
  /** called after a publication became due for a sync at once (the scheduler's poke) */
  onDue?: () => void
}

function toView (p: Publication, hostJobId: string, boardInterval: number): PublicationView {
  return {
    id: p.id,
    jobId: p.job_id,
    hostJobId,
    integrationId: p.integration_id,
    board: p.board,
    status: p.status,
    posting: { state: p.posting_state, externalId: p.posting_external_id, url: p.posting_url, reason: p.posting_reason },
    title: p.title,
    description: p.description,
    fields: p.fields,
    publicationType: p.publication_type,
    error: p.error === null ? null : { ...p.error, field: p.error.field ?? null, boardStatus: p.error.boardStatus ?? null },
    applicationCount: p.application_count,
    syncIntervalMinutes: p.sync_interval_minutes ?? boardInterval,
    nextSyncAt: p.status === 'published' ? (p.next_sync_at?.toISOString() ?? null) : null,
    lastSyncedAt: p.last_synced_at?.toISOString() ?? null,
    firstPublishedAt: p.first_published_at?.toISOString() ?? null,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString()
  }
}

function errorRecord (error: AppError): PublicationErrorRecord {
  return {
    code: error.code,
    title: error.title,
    detail: error.message,
    field: error instanceof BoardError ? (error.field ?? null) : null,
    boardStatus: error instanceof BoardError ? (error.boardStatus ?? null) : null,
    ...(error.errors !== undefined && error.errors.length > 0 ? { errors: error.errors } : {})
  }
}

/** field errors of `fields` against the board's schema; drafts may leave required fields out */
function checkFields (schema: TObject, fields: Record<string, unknown>, complete: boolean): FieldError[] {
  // Type.Partial drops additionalProperties: keep refusing fields the board does not have
  const target = complete ? schema : { ...Type.Partial(schema), additionalProperties: (schema as { additionalProperties?: unknown }).additionalProperties }
  const value = Value.Default(target, structuredClone(fields))
  const errors: FieldError[] = []
  for (const error of Value.Errors(target, value)) {
    const missing = error.keyword === 'required' ? (error.params as { requiredProperties?: string[] }).requiredProperties : undefined
    if (missing !== undefined && missing.length > 0) {
      for (const name of missing) errors.push({ in: 'body', pointer: `/fields${error.instancePath}/${name}`, detail: 'is required' })
    } else if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
      for (const name of extra) errors.push({ in: 'body', pointer: `/fields/${name}`, detail: 'is not a field of this board' })
    } else {
      errors.push({ in: 'body', pointer: `/fields${error.instancePath}`, detail: error.message })
    }
  }
  return errors
}

const missingFields = (board: string, errors: FieldError[]) => new AppError({
  code: 'JOBSYNC_ERR_MISSING_FIELDS',
  status: 422,
  title: 'The board needs more fields',
  detail: `${board} refuses this publication: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`,
  errors
})

export function createPublicationService ({ db, boards, integrations, jobs, log, onDue = () => {} }: PublicationServiceDeps) {
  // becoming published (publish, activate, link) means a sync at once, not at the next interval
  const syncAtOnce = () => ({ next_sync_at: new Date(), next_sync_trigger: 'activation' as const })

  function adapterOf (board: string): BoardAdapter {
    const adapter = boards.get(board)
    if (adapter === undefined) throw new Error(`no adapter for board ${board}`)
    return adapter
  }

  async function integrationOf (tenantId: string, id: string, pointer = '/integrationId'): Promise<Integration> {
    const row = await integrationRepo.findIntegration(db, tenantId, id)
    if (row === undefined) throw invalidInput(`integration ${id} not found`, [{ in: 'body', pointer, detail: 'is not an integration of this tenant' }])
    return row
  }

  const accountOf = (integration: Integration): BoardAccount => ({
    externalId: integration.account_external_id ?? '', name: integration.account_name ?? '', email: integration.account_email
  })

  const intervalOf = (board: string) => boards.get(board)?.syncIntervalMinutes ?? 60

  async function view (p: Publication): Promise<PublicationView> {
    return toView(p, await repo.hostJobIdOf(db, p.job_id), intervalOf(p.board))
  }

  async function mustFind (tenantId: string, id: string): Promise<Publication> {
    const row = await repo.findPublication(db, tenantId, id)
    if (row === undefined) throw notFound('publication', id)
    return row
  }

  /** stores a transition; a change of status is also an event for the host */
  async function recordTransition (trx: Transaction<Database>, tenantId: string, t: repo.TransitionRecord): Promise<void> {
    await repo.insertTransition(trx, t)
    if (t.fromStatus !== t.toStatus) {
      await emit(trx, tenantId, 'publication.status_changed', `publication:${t.publicationId}`, {
        publicationId: t.publicationId, from: t.fromStatus, to: t.toStatus, posting: t.toPosting, event: t.event, reason: t.reason, actor: t.actor
      })
    }
  }

  /** applies `event` under the row lock and records the transition; returns the new row */
  async function record (
    trx: Transaction<Database>, row: Publication, event: PublicationEvent, actor: string,
    changes: Parameters<typeof repo.updatePublication>[2], reason: string | null, boardError: PublicationErrorRecord | null = null
  ): Promise<Publication> {
    const to = transition(event, row.status)
    const next = await repo.updatePublication(trx, row.id, { ...changes, ...(to === 'published' ? syncAtOnce() : {}), status: to })
    await recordTransition(trx, row.tenant_id, {
      publicationId: row.id, event, fromStatus: row.status, toStatus: to,
      fromPosting: row.posting_state, toPosting: next.posting_state, reason, actor, boardError
    })
    return next
  }

  /** marks the row as busy with `action` (409 if another action is under way or `event` is not allowed now) */
  async function begin (tenantId: string, id: string, action: string, allowed: (row: Publication) => void): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      if (row.action !== null && row.action_started_at !== null && Date.now() - row.action_started_at.getTime() < ACTION_STALE_MS) {
        throw conflict(`the publication is busy: ${row.action} is under way; retry when it ends`, { currentStatus: row.status })
      }
      allowed(row)
      return await repo.updatePublication(trx, id, { action, action_started_at: new Date() })
    })
  }

  /** records the outcome of an action (or just clears the mark) under the lock */
  async function finish (id: string, tenantId: string, apply: (trx: Transaction<Database>, row: Publication) => Promise<Publication>): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      const next = await apply(trx, row)
      return await repo.updatePublication(trx, id, { action: null, action_started_at: null, updated_at: next.updated_at })
    })
  }

  async function release (id: string, tenantId: string): Promise<void> {
    await finish(id, tenantId, async (_trx, row) => row)
  }

  function postingInput (p: Publication, job: { title: string, description: string }, publicationType: string | null): PostingInput {
    return { title: p.title ?? job.title, description: p.description ?? job.description, fields: p.fields, publicationType }
  }

  /**
   * Publishes a draft or errored publication: fields, then quota, then the board. Any refusal moves
   * it to `error` with the reason and is thrown as the problem the host sees.
   */
  async function publish (tenantId: string, id: string, actor: string, publicationType?: string): Promise<Publication> {
    const row = await begin(tenantId, id, 'publish', r => { transition('publish', r.status) })
    const adapter = adapterOf(row.board)
    const type = publicationType ?? row.publication_type ?? (adapter.publicationTypes.length === 1 ? adapter.publicationTypes[0]?.id ?? null : null)
    let outcome: { ok: true, ref: Awaited<ReturnType<BoardAdapter['publish']>> } | { ok: false, error: AppError }
    try {
      const integration = await integrationOf(tenantId, row.integration_id)
      const job = await db.selectFrom('jobs').selectAll().where('id', '=', row.job_id).executeTakeFirstOrThrow()
      outcome = { ok: true, ref: await publishOnBoard(adapter, integration, row, job, type) }
    } catch (error) {
      if (!(error instanceof AppError)) { await release(id, tenantId); throw error }
      outcome = { ok: false, error }
    }
    const next = await finish(id, tenantId, async (trx, locked) => {
      if (outcome.ok) {
        const { ref } = outcome
        return await record(trx, locked, 'publish', actor, {
          posting_external_id: ref.externalId, posting_url: ref.url, posting_state: ref.state, posting_reason: null,
          publication_type: type, error: null, first_published_at: locked.first_published_at ?? new Date()
        }, ref.state === 'pending_review' ? 'published; the board reviews it before it goes live' : 'published')
      }
      const problem = errorRecord(outcome.error)
      return await record(trx, locked, 'publish_failed', actor, { error: JSON.stringify(problem), publication_type: type }, outcome.error.message, problem)
    })
    if (!outcome.ok) {
      // dead credentials: the integration says so, as when a sync meets them
      if (outcome.error instanceof BoardError && outcome.error.isCredentialProblem) await integrations.markFailed(tenantId, row.integration_id, outcome.error)
      log.info({ publication: id, board: row.board, code: outcome.error.code }, 'publish refused')
      throw withPublication(outcome.error, next)
    }
    log.info({ publication: id, board: row.board, posting: next.posting_external_id }, 'published')
    onDue()
    return next
  }

  async function publishOnBoard (adapter: BoardAdapter, integration: Integration, row: Publication, job: { title: string, description: string }, type: string | null) {
    const fieldErrors = checkFields(adapter.publicationFields, row.fields, true)
    if (type === null) {
      fieldErrors.push({ in: 'body', pointer: '/publicationType', detail: `is required to publish on ${adapter.name} (one of: ${adapter.publicationTypes.map(t => t.id).join(', ')})` })
    } else if (!adapter.publicationTypes.some(t => t.id === type)) {
      fieldErrors.push({ in: 'body', pointer: '/publicationType', detail: `is not a ${adapter.name} publication type (one of: ${adapter.publicationTypes.map(t => t.id).join(', ')})` })
    }
    if (fieldErrors.length > 0) throw missingFields(adapter.name, fieldErrors)

    const session = integrations.sessionFor(integration)
    const account = accountOf(integration)
    // in error while its posting stayed up (credentials died during a sync): publishing again goes
    // back to that posting; a second one would spend a paid publication and orphan its applicants
    if (row.posting_external_id !== null && (row.posting_state === 'live' || row.posting_state === 'pending_review')) {
      const onBoard = await adapter.getPosting(session, account, row.posting_external_id).catch((error: unknown) => {
        if (error instanceof BoardError && error.kind === 'not_found') return null
        throw error
      })
      if (onBoard !== null && (onBoard.state === 'live' || onBoard.state === 'pending_review')) {
        return { externalId: row.posting_external_id, url: onBoard.url ?? row.posting_url, state: onBoard.state }
      }
    }
    const paid = adapter.publicationTypes.find(t => t.id === type)?.paid === true
    if (paid) {
      const quota = (await adapter.availablePublications(session, account)).find(q => q.publicationType === type)
      if (quota?.available === 0) {
        throw new BoardError({ board: adapter.id, kind: 'quota', detail: `no paid ${type} publications left on this ${adapter.name} account` })
      }
    }
    const input = postingInput(row, job, type)
    return await adapter.publish(session, account, { ...input, fields: Value.Default(adapter.publicationFields, structuredClone(input.fields)) as Record<string, unknown> })
  }

  /** the error as the host sees it, pointing at the publication it left in `error` */
  function withPublication (error: AppError, p: Publication): AppError {
    return new AppError({
      code: error.code, status: error.status, title: error.title, detail: error.message, errors: error.errors,
      extensions: { ...error.extensions, publicationId: p.id, publicationStatus: p.status }
    })
  }

  /** board state → our status: a posting the board rejected or removed fails a published publication */
  async function applyPostingState (tenantId: string, id: string, actor: string, state: PostingState | 'removed', url: string | null, reason: string | null, boardError: BoardError | null): Promise<Publication> {
    return await db.transaction().execute(async trx => {
      const row = await repo.lockPublication(trx, tenantId, id)
      if (row === undefined) throw notFound('publication', id)
      const posting: PostingState = state === 'removed' ? 'archived' : state
      const changes = { posting_state: posting, posting_url: url ?? row.posting_url, posting_reason: reason }
      if ((state === 'rejected' || state === 'removed' || boardError !== null) && canApply('board_failed', row.status)) {
        const why = boardError?.message ?? (state === 'removed' ? `the posting was removed on ${adapterOf(row.board).name}` : `${adapterOf(row.board).name} rejected the posting${reason === null ? '' : `: ${reason}`}`)
        const problem: PublicationErrorRecord = boardError !== null
          ? errorRecord(boardError)
          : { code: state === 'removed' ? 'JOBSYNC_ERR_BOARD_NOT_FOUND' : 'JOBSYNC_ERR_BOARD_REJECTED', title: state === 'removed' ? 'Removed on the board' : 'Rejected by the board', detail: why, field: null, boardStatus: null }
        return await record(trx, row, 'board_failed', actor, { ...(boardError === null ? changes : {}), error: JSON.stringify(problem) }, why, problem)
      }
      if (boardError !== null || row.posting_state === posting) return row
      const next = await repo.updatePublication(trx, id, changes)
      // the posting moved on the board (e.g. moderation passed): recorded beside the status changes
      await repo.insertTransition(trx, {
        publicationId: id, event: 'posting_changed', fromStatus: row.status, toStatus: row.status,
        fromPosting: row.posting_state, toPosting: posting, reason: reason ?? `the board says ${posting}`, actor
      })
      return next
    })
  }

  return {
    async create (tenantId: string, hostJobId: string, input: CreatePublicationInput, actor: string): Promise<PublicationView> {
      const job = await jobs.mustFind(tenantId, hostJobId)
      const integration = await integrationOf(tenantId, input.integrationId)
      const adapter = adapterOf(integration.board)
      const fields = input.fields ?? {}
      // even a draft must have the right types; required fields are checked when it is published
      const typeErrors = checkFields(adapter.publicationFields, fields, false)
      if (typeErrors.length > 0) throw invalidInput(`fields do not fit ${adapter.name}: ${typeErrors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, typeErrors)
      if (input.publicationType !== undefined && !adapter.publicationTypes.some(t => t.id === input.publicationType)) {
        throw invalidInput(`${input.publicationType} is not a ${adapter.name} publication type`, [{ in: 'body', pointer: '/publicationType', detail: `is not one of: ${adapter.publicationTypes.map(t => t.id).join(', ')}` }])
      }
      const row = await db.transaction().execute(async trx => {
        const created = await repo.insertPublication(trx, {
          tenant_id: tenantId, job_id: job.id, integration_id: integration.id, board: integration.board, status: transition('create', null),
          fields: JSON.stringify(fields), publication_type: input.publicationType ?? null, title: input.title ?? null, description: input.description ?? null,
          sync_interval_minutes: input.syncIntervalMinutes ?? null
        })
        await recordTransition(trx, tenantId, { publicationId: created.id, event: 'create', fromStatus: null, toStatus: 'draft', fromPosting: null, toPosting: 'none', reason: 'created', actor })
        return created
      })
      if (input.publish !== true) return toView(row, job.host_job_id, adapter.syncIntervalMinutes)
      return toView(await publish(tenantId, row.id, actor), job.host_job_id, adapter.syncIntervalMinutes)
    },

    async publish (tenantId: string, id: string, actor: string, publicationType?: string): Promise<PublicationView> {
      return await view(await publish(tenantId, id, actor, publicationType))
    },

    async update (tenantId: string, id: string, input: UpdatePublicationInput, actor: string): Promise<PublicationView> {
      const current = await mustFind(tenantId, id)
      if (input.integrationId !== undefined && input.integrationId !== current.integration_id) {
        if (current.first_published_at !== null) {
          throw conflict('the integration (board account) of a publication can never change once it has been published', { currentStatus: current.status })
        }
        const integration = await integrationOf(tenantId, input.integrationId)
        if (integration.board !== current.board) throw invalidInput('the integration must be on the same board', [{ in: 'body', pointer: '/integrationId', detail: `is not a ${current.board} integration` }])
      }
      const adapter = adapterOf(current.board)
      const fields = input.fields ?? current.fields
      const onBoard = current.posting_external_id !== null && (current.status === 'published' || current.status === 'inactive') && current.posting_state !== 'archived'
      const errors = checkFields(adapter.publicationFields, fields, onBoard)
      if (errors.length > 0) throw invalidInput(`fields do not fit ${adapter.name}: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors)
      const changes = {
        fields: JSON.stringify(fields),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.publicationType !== undefined ? { publication_type: input.publicationType } : {}),
        ...(input.integrationId !== undefined ? { integration_id: input.integrationId } : {}),
        ...(input.syncIntervalMinutes !== undefined ? { sync_interval_minutes: input.syncIntervalMinutes } : {})
      }

      const touchesBoard = input.fields !== undefined || input.title !== undefined || input.description !== undefined || input.publicationType !== undefined
      if (!onBoard || !touchesBoard) {
        return await view(await db.transaction().execute(async trx => {
          const row = await repo.lockPublication(trx, tenantId, id)
          if (row === undefined) throw notFound('publication', id)
          if (row.action !== null) throw conflict(`the publication is busy: ${row.action} is under way`, { currentStatus: row.status })
          // editing an errored publication makes it a draft again (DESIGN.md)
          if (row.status === 'error') return await record(trx, row, 'edit', actor, { ...changes, error: null }, 'fields edited')
          return await repo.updatePublication(trx, id, changes)
        }))
      }

      // live on the board: the board takes the edit first; if it refuses, nothing changes here
      const row = await begin(tenantId, id, 'update', () => {})
      try {
        const integration = await integrationOf(tenantId, row.integration_id)
        const job = await db.selectFrom('jobs').selectAll().where('id', '=', row.job_id).executeTakeFirstOrThrow()
        const edited = { ...row, fields, title: input.title !== undefined ? input.title : row.title, description: input.description !== undefined ? input.description : row.description }
        await adapter.update(integrations.sessionFor(integration), accountOf(integration), row.posting_external_id ?? '', postingInput(edited, job, row.publication_type))
      } catch (error) {
        await release(id, tenantId)
        throw error
      }
      return await view(await finish(id, tenantId, async trx => await repo.updatePublication(trx, id, changes)))
    },

    async deactivate (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      return await view(await db.transaction().execute(async trx => {
        const row = await repo.lockPublication(trx, tenantId, id)
        if (row === undefined) throw notFound('publication', id)
        return await record(trx, row, 'deactivate', actor, {}, 'candidate sync turned off; the posting stays on the board')
      }))
    },

    async activate (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      const activated = await db.transaction().execute(async trx => {
        const row = await repo.lockPublication(trx, tenantId, id)
        if (row === undefined) throw notFound('publication', id)
        if (row.posting_state === 'archived') throw conflict('the posting is closed on the board; publish a new publication instead', { currentStatus: row.status })
        return await record(trx, row, 'activate', actor, {}, 'candidate sync turned back on')
      })
      onDue()
      return await view(activated)
    },

    async close (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      const row = await begin(tenantId, id, 'close', r => {
        transition('close', r.status)
        if (r.posting_state === 'archived') throw conflict('the posting is closed already', { currentStatus: r.status })
      })
      try {
        const integration = await integrationOf(tenantId, row.integration_id)
        await adapterOf(row.board).archive(integrations.sessionFor(integration), accountOf(integration), row.posting_external_id ?? '')
      } catch (error) {
        // gone on the board already: closing it is done
        if (!(error instanceof BoardError && error.kind === 'not_found')) {
          await release(id, tenantId)
          throw error
        }
      }
      return await view(await finish(id, tenantId, async (trx, locked) =>
        await record(trx, locked, 'close', actor, { posting_state: 'archived' }, 'closed: the posting is archived on the board')))
    },

    async get (tenantId: string, id: string, refresh: boolean, actor: string): Promise<PublicationView> {
      const row = await mustFind(tenantId, id)
      if (!refresh || row.posting_external_id === null || row.posting_state === 'archived') return await view(row)
      const integration = await integrationOf(tenantId, row.integration_id)
      try {
        const status = await adapterOf(row.board).getPosting(integrations.sessionFor(integration), accountOf(integration), row.posting_external_id)
        return await view(await applyPostingState(tenantId, id, actor, status.state, status.url, status.reason, null))
      } catch (error) {
        if (!(error instanceof BoardError)) throw error
        if (error.kind === 'not_found') return await view(await applyPostingState(tenantId, id, actor, 'removed', null, error.message, null))
        if (error.isCredentialProblem) return await view(await applyPostingState(tenantId, id, actor, row.posting_state, null, null, error))
        // the board is down or slow: answer with what we know
        log.warn({ publication: id, board: row.board, kind: error.kind }, 'posting state refresh failed')
        return await view(row)
      }
    },

    /** the board refused the account during a sync: published → error, recorded as the system's doing */
    async failFromBoard (tenantId: string, id: string, error: BoardError): Promise<void> {
      const row = await mustFind(tenantId, id)
      await applyPostingState(tenantId, id, 'system', row.posting_state, null, null, error)
    },

    async link (tenantId: string, input: LinkPublicationInput, actor: string): Promise<PublicationView> {
      const job = await jobs.mustFind(tenantId, input.hostJobId)
      const integration = await integrationOf(tenantId, input.integrationId)
      const adapter = adapterOf(integration.board)
      const externalId = adapter.postingIdFrom(input.posting)
      if (externalId === null) {
        throw invalidInput(`not a ${adapter.name} posting id or URL`, [{ in: 'body', pointer: '/posting', detail: `is not a ${adapter.name} posting id or URL` }])
      }
      let status
      try {
        status = await adapter.getPosting(integrations.sessionFor(integration), accountOf(integration), externalId)
      } catch (error) {
        if (error instanceof BoardError && error.kind === 'not_found') {
          throw new AppError({
            code: 'JOBSYNC_ERR_POSTING_NOT_FOUND', status: 422, title: 'No such posting on this account',
            detail: `${adapter.name} has no posting ${externalId} on account ${integration.account_name ?? integration.account_external_id ?? ''}`,
            errors: [{ in: 'body', pointer: '/posting', detail: 'is not a posting of this account' }]
          })
        }
        throw error
      }
      try {
        return toView(await db.transaction().execute(async trx => {
          const created = await repo.insertPublication(trx, {
            tenant_id: tenantId, job_id: job.id, integration_id: integration.id, board: integration.board, status: transition('link', null),
            posting_external_id: externalId, posting_url: status.url, posting_state: status.state, posting_reason: status.reason,
            first_published_at: new Date(), ...syncAtOnce()
          })
          await recordTransition(trx, tenantId, { publicationId: created.id, event: 'link', fromStatus: null, toStatus: 'published', fromPosting: null, toPosting: status.state, reason: `linked to ${adapter.name} posting ${externalId}`, actor })
          onDue()
          return created
        }), job.host_job_id, adapter.syncIntervalMinutes)
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw conflict(`${adapter.name} posting ${externalId} is linked already`)
        throw error
      }
    },

    async list (tenantId: string, query: ListPublicationsQuery): Promise<{ items: PublicationView[], nextCursor: string | null }> {
      const after = createdAfter(query.after)
      let jobId: string | undefined
      if (query.hostJobId !== undefined) {
        const job = await db.selectFrom('jobs').select('id').where('tenant_id', '=', tenantId).where('host_job_id', '=', query.hostJobId).executeTakeFirst()
        if (job === undefined) return { items: [], nextCursor: null }
        jobId = job.id
      }
      const rows = await repo.listPublications(db, tenantId, { jobId, board: query.board, status: query.status, integrationId: query.integrationId, after, limit: query.limit + 1 })
      const { page, nextCursor } = createdPage(rows, query.limit)
      return { items: page.map(r => toView(r, r.host_job_id, intervalOf(r.board))), nextCursor }
    },

    async transitions (tenantId: string, id: string): Promise<TransitionView[]> {
      const row = await mustFind(tenantId, id)
      return (await repo.listTransitions(db, row.id)).map(t => ({
        id: Number(t.id),
        event: t.event,
        from: t.from_status as PublicationStatus | null,
        to: t.to_status as PublicationStatus,
        postingFrom: t.from_posting as PostingState | null,
        postingTo: t.to_posting as PostingState,
        reason: t.reason,
        actor: t.actor,
        boardError: t.board_error === null ? null : { ...t.board_error, field: t.board_error.field ?? null, boardStatus: t.board_error.boardStatus ?? null },
        at: t.created_at.toISOString()
      }))
    }
  }
}

export type PublicationService = ReturnType<typeof createPublicationService>
