// Publication rows as the host sees them, and errors as a publication records them.
import type { LastEditRecord, Publication, PublicationErrorRecord, PublicationTransition } from '../../db/schema.js'
import type { AppError } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { PublicationView, TransitionView } from './schemas.js'

export function toView (p: Publication, hostJobId: string, boardInterval: number): PublicationView {
  return {
    id: p.id,
    jobId: p.job_id,
    hostJobId,
    integrationId: p.integration_id,
    board: p.board,
    status: p.status,
    posting: { state: p.posting_state, externalId: p.posting_external_id, url: p.posting_url, reason: p.posting_reason, expiresAt: p.posting_expires_at?.toISOString() ?? null },
    title: p.title,
    description: p.description,
    fields: p.fields,
    publicationType: p.publication_type,
    error: p.error === null ? null : { ...p.error, field: p.error.field ?? null, boardStatus: p.error.boardStatus ?? null },
    lastEdit: lastEditView(p.last_edit),
    applicationCount: p.application_count,
    syncIntervalMinutes: p.sync_interval_minutes ?? boardInterval,
    nextSyncAt: p.status === 'published' ? (p.next_sync_at?.toISOString() ?? null) : null,
    lastSyncedAt: p.last_synced_at?.toISOString() ?? null,
    firstPublishedAt: p.first_published_at?.toISOString() ?? null,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString()
  }
}

export function lastEditView (edit: LastEditRecord | null): PublicationView['lastEdit'] {
  if (edit === null) return null
  return { at: edit.at, status: edit.status, error: edit.error === null ? null : { ...edit.error, field: edit.error.field ?? null, boardStatus: edit.error.boardStatus ?? null } }
}

export function toTransitionView (t: PublicationTransition): TransitionView {
  return {
    id: Number(t.id),
    event: t.event,
    from: t.from_status,
    to: t.to_status,
    postingFrom: t.from_posting,
    postingTo: t.to_posting,
    reason: t.reason,
    actor: t.actor,
    boardError: t.board_error === null ? null : { ...t.board_error, field: t.board_error.field ?? null, boardStatus: t.board_error.boardStatus ?? null },
    at: t.created_at.toISOString()
  }
}

/** the problem as the publication keeps it (`error`, a transition's `boardError`) */
export function errorRecord (error: AppError): PublicationErrorRecord {
  return {
    code: error.code,
    title: error.title,
    detail: error.message,
    field: error instanceof BoardError ? (error.field ?? null) : null,
    boardStatus: error instanceof BoardError ? (error.boardStatus ?? null) : null,
    ...(error.errors !== undefined && error.errors.length > 0 ? { errors: error.errors } : {})
  }
}
