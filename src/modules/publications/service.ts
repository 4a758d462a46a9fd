// Publications: a host vacancy on one board through one installed account. The status machine is
// in status.ts and this module applies it: actions that talk to the board follow the action-mark
// protocol of actions.ts, publishing is publish.ts, what the board says about a posting is applied
// by posting-state.ts (on request, by the scheduler's posting checks and with each sync), reopen and
// extend are renewal.ts, and the board fields are checked by fields.ts.
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../../db/index.js'
import { DuplicateKeyError } from '../../db/errors.js'
import type { Publication } from '../../db/schema.js'
import { AppError, conflict, invalidInput, notFound } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { BoardRegistry } from '../../boards/registry.js'
import { createdAfter, createdPage } from '../../http/cursor.js'
import type { IntegrationService } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import { createActionMarks, nextPostingCheck, syncAtOnce, type CheckSchedule } from './actions.js'
import { createEdits, editOutcome } from './edits.js'
import { assertFieldTypes, boardPosting, jobDoesNotFit, unknownIds, type PostingDictionaries } from './fields.js'
import { createPostingStates, expiryFrom, type PostingCheck } from './posting-state.js'
import { createPreview } from './preview.js'
import { createRenewals } from './renewal.js'
import { accountFor, createPublisher } from './publish.js'
import * as repo from './repo.js'
import type { CreatePublicationInput, LinkPublicationInput, ListPublicationsQuery, PublicationView, TransitionView, UpdatePublicationInput } from './schemas.js'
import { transition } from './status.js'
import { errorRecord, toTransitionView, toView } from './views.js'

export interface PublicationServiceDeps {
  db: Db
  boards: BoardRegistry
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  jobs: Pick<JobService, 'mustFind' | 'idOf' | 'byId'>
  /** the boards' dictionaries: the job's values looked up in them, publication fields' ids checked against them */
  dictionaries: PostingDictionaries
  log: FastifyBaseLogger
  /** called after a publication became due for a sync at once (the scheduler's poke) */
  onDue?: () => void
  /** a publish spent (or tried to spend) a paid publication of the integration */
  onQuotaSpent?: (integrationId: string) => void
  /** how often a posting under the board's review is checked (POSTING_CHECK_SECONDS) */
  postingCheckMs?: number
}

export function createPublicationService ({ db, boards, integrations, jobs, dictionaries, log, onDue = () => {}, onQuotaSpent, postingCheckMs = 300_000 }: PublicationServiceDeps) {
  const intervalOf = (board: string) => boards.get(board)?.syncIntervalMinutes ?? 60
  const schedule: CheckSchedule = { pendingMs: postingCheckMs, intervalMs: p => (p.sync_interval_minutes ?? intervalOf(p.board)) * 60_000 }
  const marks = createActionMarks(db, schedule)
  const postingStates = createPostingStates({ db, marks, schedule, integrations, log })
  const publishNow = createPublisher({ integrations, jobs, marks, dictionaries, log, onQuotaSpent })
  const edits = createEdits({ db, marks, integrations, jobs, dictionaries, log })
  const preview = createPreview({ integrations, jobs, dictionaries, findPublication: async (tenantId, id) => await repo.findPublication(db, tenantId, id) })
  const renewals = createRenewals({ boards, integrations, jobs, marks, dictionaries, checkPosting: postingStates.check, log, onQuotaSpent })

  function boardOf (board: string) {
    const adapter = boards.get(board)
    if (adapter === undefined) throw new Error(`no adapter for board ${board}`)
    return adapter
  }

  async function view (p: Publication): Promise<PublicationView> {
    return toView(p, (await jobs.byId(p.tenant_id, p.job_id)).host_job_id, intervalOf(p.board))
  }

  async function mustFind (tenantId: string, id: string): Promise<Publication> {
    const row = await repo.findPublication(db, tenantId, id)
    if (row === undefined) throw notFound('publication', id)
    return row
  }

  async function publish (tenantId: string, id: string, actor: string, publicationType?: string): Promise<Publication> {
    const published = await publishNow(tenantId, id, actor, publicationType)
    onDue()
    return published
  }

  return {
    /** the publication's row; 404 when the tenant has none of this id */
    mustFind,

    async create (tenantId: string, hostJobId: string, input: CreatePublicationInput, actor: string): Promise<PublicationView> {
      const job = await jobs.mustFind(tenantId, hostJobId)
      const opened = await accountFor(integrations, tenantId, input.integrationId)
      const { integrationId, adapter } = opened
      const fields = input.fields ?? {}
      // even a draft must have the right types and known ids; required fields are checked when it is published
      assertFieldTypes(adapter, fields, false)
      const unknown = await dictionaries.fieldIdErrors(opened, fields)
      if (unknown.length > 0) throw unknownIds(adapter.name, unknown)
      if (input.publicationType !== undefined && !adapter.publicationTypes.some(t => t.id === input.publicationType)) {
        throw invalidInput(`${input.publicationType} is not a ${adapter.name} publication type`, [{ in: 'body', pointer: '/publicationType', detail: `is not one of: ${adapter.publicationTypes.map(t => t.id).join(', ')}` }])
      }
      const row = await db.transaction().execute(async trx => {
        const created = await repo.insertPublication(trx, {
          tenant_id: tenantId, job_id: job.id, integration_id: integrationId, board: adapter.id, status: transition('create', null),
          fields: JSON.stringify(fields), publication_type: input.publicationType ?? null, title: input.title ?? null, description: input.description ?? null,
          sync_interval_minutes: input.syncIntervalMinutes ?? null
        })
        await marks.recordTransition(trx, tenantId, { publicationId: created.id, event: 'create', fromStatus: null, toStatus: 'draft', fromPosting: null, toPosting: 'none', reason: 'created', actor })
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
        const { adapter } = await accountFor(integrations, tenantId, input.integrationId)
        if (adapter.id !== current.board) throw invalidInput('the integration must be on the same board', [{ in: 'body', pointer: '/integrationId', detail: `is not a ${current.board} integration` }])
      }
      const adapter = boardOf(current.board)
      const fields = input.fields ?? current.fields
      const onBoard = current.posting_external_id !== null && (current.status === 'published' || current.status === 'inactive') && current.posting_state !== 'archived'
      // required fields may come from the job: a posting on the board is checked whole below, before it is pushed
      assertFieldTypes(adapter, fields, false)
      if (input.fields !== undefined) {
        const unknown = await dictionaries.fieldIdErrors(await accountFor(integrations, tenantId, input.integrationId ?? current.integration_id), fields)
        if (unknown.length > 0) throw unknownIds(adapter.name, unknown)
      }
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
        return await view(await marks.locked(tenantId, id, async (trx, row) => {
          if (row.action !== null) throw conflict(`the publication is busy: ${row.action} is under way`, { currentStatus: row.status })
          // editing an errored publication makes it a draft again (DESIGN.md)
          if (row.status === 'error') return await marks.record(trx, row, 'edit', actor, { ...changes, error: null }, 'fields edited')
          return await repo.updatePublication(trx, id, changes)
        }))
      }

      // live on the board: the board takes the edit first (the job's fields with the edited ones
      // over them); if it refuses, nothing changes here but the recorded lastEdit (an edit our own
      // checks refuse never reaches the board, and is only answered)
      const row = await marks.begin(tenantId, id, 'update', () => {})
      try {
        const opened = await accountFor(integrations, tenantId, row.integration_id)
        const job = await jobs.byId(tenantId, row.job_id)
        const edited = { fields, title: input.title !== undefined ? input.title : row.title, description: input.description !== undefined ? input.description : row.description }
        const posting = await boardPosting(dictionaries, opened, edited, job, row.publication_type)
        if (posting.problems.length > 0) throw jobDoesNotFit(adapter.name, posting.problems)
        // a posting on the board keeps its required fields: this edit is the request at fault
        if (posting.missing.length > 0) throw invalidInput(`fields do not fit ${adapter.name}: ${posting.missing.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, posting.missing)
        await adapter.update(opened.session, opened.account, row.posting_external_id ?? '', posting.input)
      } catch (error) {
        if (!(error instanceof BoardError)) {
          await marks.release(id, tenantId)
          throw error
        }
        await marks.finish(id, tenantId, async (trx, locked) => await edits.record(trx, locked, 'publication_edit', editOutcome(error), errorRecord(error)))
        if (error.isCredentialProblem) await integrations.markFailed(tenantId, row.integration_id, error)
        throw error
      }
      return await view(await marks.finish(id, tenantId, async (trx, locked) => {
        await repo.updatePublication(trx, id, changes)
        return await edits.record(trx, locked, 'publication_edit', 'applied', null)
      }))
    },

    async deactivate (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      return await view(await marks.locked(tenantId, id, async (trx, row) =>
        await marks.record(trx, row, 'deactivate', actor, {}, 'candidate sync turned off; the posting stays on the board')))
    },

    async activate (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      const activated = await marks.locked(tenantId, id, async (trx, row) => {
        if (row.posting_state === 'archived') throw conflict('the posting is closed on the board; reopen it instead (POST /v1/publications/{id}/reopen)', { currentStatus: row.status })
        return await marks.record(trx, row, 'activate', actor, {}, 'candidate sync turned back on')
      })
      onDue()
      return await view(activated)
    },

    async close (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      const row = await marks.begin(tenantId, id, 'close', r => {
        transition('close', r.status)
        if (r.posting_state === 'archived') throw conflict('the posting is closed already', { currentStatus: r.status })
      })
      try {
        const { adapter, session, account } = await accountFor(integrations, tenantId, row.integration_id)
        await adapter.archive(session, account, row.posting_external_id ?? '')
      } catch (error) {
        // gone on the board already: closing it is done
        if (!(error instanceof BoardError && error.kind === 'not_found')) {
          await marks.release(id, tenantId)
          throw error
        }
      }
      return await view(await marks.finish(id, tenantId, async (trx, locked) =>
        await marks.record(trx, locked, 'close', actor, { posting_state: 'archived' }, 'closed: the posting is archived on the board')))
    },

    /** with `refresh`, the board is asked first (a posting check); a board that is down answers with what we know */
    async get (tenantId: string, id: string, refresh: boolean, actor: string): Promise<PublicationView> {
      const row = await mustFind(tenantId, id)
      if (!refresh || row.posting_external_id === null || row.posting_state === 'archived') return await view(row)
      return await view((await postingStates.check(row, actor)).publication)
    },

    /** the board refused the account during a sync: published → error, recorded as the system's doing */
    async failFromBoard (tenantId: string, id: string, error: BoardError): Promise<void> {
      await postingStates.credentialsFailed(tenantId, id, 'system', error)
    },

    /**
     * A posting check for the scheduler and the sync runner: asks the board about the posting and
     * applies the answer, as the system's doing. A posting the board does not know counts as removed.
     */
    async checkPosting (publication: Publication): Promise<PostingCheck> {
      return await postingStates.check(publication, 'system')
    },

    /** reopens a closed publication (renewal.ts); `reopened` says whether the board re-activated the posting or a new one was published */
    async reopen (tenantId: string, id: string, actor: string): Promise<PublicationView & { reopened: 'same_posting' | 'new_posting' }> {
      const { publication, reopened } = await renewals.reopen(tenantId, id, actor)
      onDue()
      return { ...await view(publication), reopened }
    },

    /** prolongs or refreshes a live posting where the board offers it (renewal.ts) */
    async extend (tenantId: string, id: string, actor: string): Promise<PublicationView> {
      return await view(await renewals.extend(tenantId, id, actor))
    },

    async link (tenantId: string, input: LinkPublicationInput, actor: string): Promise<PublicationView> {
      const job = await jobs.mustFind(tenantId, input.hostJobId)
      const { integrationId, adapter, session, account } = await accountFor(integrations, tenantId, input.integrationId)
      const externalId = adapter.postingIdFrom(input.posting)
      if (externalId === null) {
        throw invalidInput(`not a ${adapter.name} posting id or URL`, [{ in: 'body', pointer: '/posting', detail: `is not a ${adapter.name} posting id or URL` }])
      }
      let status
      const noSuchPosting = (ended?: string) => new AppError({
        code: 'JOBSYNC_ERR_POSTING_NOT_FOUND', status: 422, title: 'No such posting on this account',
        detail: `${adapter.name} has no ${ended === undefined ? '' : `${ended} `}posting ${externalId} on account ${account.name !== '' ? account.name : account.externalId}`,
        errors: [{ in: 'body', pointer: '/posting', detail: ended === undefined ? 'is not a posting of this account' : `is ${ended} on the board` }]
      })
      try {
        status = await adapter.getPosting(session, account, externalId)
      } catch (error) {
        if (error instanceof BoardError && error.kind === 'not_found') throw noSuchPosting()
        throw error
      }
      // a posting that ended on the board has nothing left to sync
      if (status.state === 'removed' || status.state === 'expired') throw noSuchPosting(status.state)
      const state = status.state
      try {
        return toView(await db.transaction().execute(async trx => {
          const created = await repo.insertPublication(trx, {
            tenant_id: tenantId, job_id: job.id, integration_id: integrationId, board: adapter.id, status: transition('link', null),
            posting_external_id: externalId, posting_url: status.url, posting_state: state, posting_reason: status.reason,
            posting_expires_at: expiryFrom(status.expiresAt, null),
            posting_check_at: nextPostingCheck(schedule, { status: 'published', posting_state: state, posting_external_id: externalId, board: adapter.id, sync_interval_minutes: null }),
            first_published_at: new Date(), ...syncAtOnce()
          })
          await marks.recordTransition(trx, tenantId, { publicationId: created.id, event: 'link', fromStatus: null, toStatus: 'published', fromPosting: null, toPosting: state, reason: `linked to ${adapter.name} posting ${externalId}`, actor })
          onDue()
          return created
        }), job.host_job_id, adapter.syncIntervalMinutes)
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw conflict(`${adapter.name} posting ${externalId} is linked already`)
        throw error
      }
    },

    /** what publishing would send the board for the job, and what stands in its way; never publishes */
    preview,

    /** the job changed what boards show: pushed to each of its postings on a board (see edits.ts) */
    async pushJobEdit (tenantId: string, jobId: string, actor: string): Promise<void> {
      await edits.pushJobEdit(tenantId, jobId, actor)
    },

    async list (tenantId: string, query: ListPublicationsQuery): Promise<{ items: PublicationView[], nextCursor: string | null }> {
      let jobId: string | undefined
      if (query.hostJobId !== undefined) {
        jobId = await jobs.idOf(tenantId, query.hostJobId)
        if (jobId === undefined) return { items: [], nextCursor: null }
      }
      const rows = await repo.listPublications(db, tenantId, { jobId, board: query.board, status: query.status, integrationId: query.integrationId, after: createdAfter(query.after), limit: query.limit + 1 })
      const { page, nextCursor } = createdPage(rows, query.limit)
      return { items: page.map(r => toView(r, r.host_job_id, intervalOf(r.board))), nextCursor }
    },

    async transitions (tenantId: string, id: string): Promise<TransitionView[]> {
      const row = await mustFind(tenantId, id)
      return (await repo.listTransitions(db, row.id)).map(toTransitionView)
    }
  }
}

export type PublicationService = ReturnType<typeof createPublicationService>
