// The host's vacancies, keyed by the host's own id, with their publications and counts. A PUT
// that changes what a board shows is pushed to the job's postings on the boards (`onEdited`, the
// publications module's push) before it answers, so the answer shows each one's lastEdit.
import type { Db } from '../../db/index.js'
import type { Job, Publication } from '../../db/schema.js'
import { notFound } from '../../errors.js'
import * as repo from './repo.js'
import type { JobInput, JobView } from './schemas.js'

/** what boards show of a job: a change of any of these is pushed to its postings */
function boardFacing (job: Job): string {
  const { title, description, location, salary, employment, remote_type: remoteType, tags } = job
  const money = salary === null ? null : [salary.from ?? null, salary.to ?? null, salary.currency, salary.gross ?? null]
  return JSON.stringify([title, description, location, money, employment, remoteType, tags])
}

export interface JobServiceDeps {
  db: Db
  /** the job changed what boards show: push it to its postings (waited for) */
  onEdited?: (tenantId: string, jobId: string, actor: string) => Promise<void>
}

function toView (job: Job, publications: Publication[]): JobView {
  return {
    id: job.id,
    hostJobId: job.host_job_id,
    title: job.title,
    description: job.description,
    location: job.location,
    salary: job.salary,
    employment: job.employment as JobView['employment'],
    remoteType: job.remote_type,
    tags: job.tags,
    publications: publications.map(p => ({
      id: p.id,
      board: p.board,
      integrationId: p.integration_id,
      status: p.status,
      posting: { state: p.posting_state, url: p.posting_url },
      applicationCount: p.application_count,
      lastEdit: p.last_edit === null
        ? null
        : { ...p.last_edit, error: p.last_edit.error === null ? null : { ...p.last_edit.error, field: p.last_edit.error.field ?? null, boardStatus: p.last_edit.error.boardStatus ?? null } }
    })),
    applicationCount: publications.reduce((sum, p) => sum + p.application_count, 0),
    createdAt: job.created_at.toISOString(),
    updatedAt: job.updated_at.toISOString()
  }
}

export function createJobService ({ db, onEdited }: JobServiceDeps) {
  return {
    async upsert (tenantId: string, hostJobId: string, input: JobInput, actor = 'system'): Promise<{ job: JobView, created: boolean }> {
      const { job, created, previous } = await repo.upsertJob(db, tenantId, hostJobId, input)
      if (created) return { job: toView(job, []), created }
      if (previous !== undefined && boardFacing(previous) !== boardFacing(job)) await onEdited?.(tenantId, job.id, actor)
      return { job: toView(job, await repo.publicationsOfJob(db, job.id)), created }
    },

    async get (tenantId: string, hostJobId: string): Promise<JobView> {
      const job = await repo.findJobByHostId(db, tenantId, hostJobId)
      if (job === undefined) throw notFound('job', hostJobId)
      return toView(job, await repo.publicationsOfJob(db, job.id))
    },

    /** the job row, for the publications module */
    async mustFind (tenantId: string, hostJobId: string): Promise<Job> {
      const job = await repo.findJobByHostId(db, tenantId, hostJobId)
      if (job === undefined) throw notFound('job', hostJobId)
      return job
    },

    /** the job's id, for filters by the host's job id; undefined when the tenant has no such job */
    async idOf (tenantId: string, hostJobId: string): Promise<string | undefined> {
      return (await repo.findJobByHostId(db, tenantId, hostJobId))?.id
    },

    /** the job a publication belongs to (its row always exists: publications reference it) */
    async byId (tenantId: string, id: string): Promise<Job> {
      const job = await repo.findJob(db, tenantId, id)
      if (job === undefined) throw new Error(`job ${id} of tenant ${tenantId} is missing`)
      return job
    }
  }
}

export type JobService = ReturnType<typeof createJobService>
