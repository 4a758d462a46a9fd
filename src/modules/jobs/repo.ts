import { sql } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Job, Publication } from '../../db/schema.js'
import type { JobInput } from './schemas.js'

/**
 * Insert or update by the host's id; `created` tells which, and `previous` is the job as it was
 * (locked first, so two PUTs of one job take turns and each sees the other's result).
 */
export async function upsertJob (db: Db, tenantId: string, hostJobId: string, input: JobInput): Promise<{ job: Job, created: boolean, previous: Job | undefined }> {
  const values = {
    title: input.title,
    description: input.description,
    location: input.location ?? null,
    salary: input.salary === undefined || input.salary === null ? null : JSON.stringify(input.salary),
    employment: input.employment ?? null,
    remote_type: input.remoteType ?? null,
    tags: input.tags ?? []
  }
  return await db.transaction().execute(async trx => {
    const previous = await trx.selectFrom('jobs').selectAll().where('tenant_id', '=', tenantId).where('host_job_id', '=', hostJobId).forUpdate().executeTakeFirst()
    const row = await trx.insertInto('jobs')
      .values({ tenant_id: tenantId, host_job_id: hostJobId, ...values })
      .onConflict(oc => oc.columns(['tenant_id', 'host_job_id']).doUpdateSet({ ...values, updated_at: new Date() }))
      .returningAll()
      // xmax = 0 only for a row this statement inserted, not one it updated
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .executeTakeFirstOrThrow()
    const { inserted, ...job } = row
    return { job, created: inserted, previous }
  })
}

export async function findJobByHostId (db: Db, tenantId: string, hostJobId: string): Promise<Job | undefined> {
  return await db.selectFrom('jobs').selectAll().where('tenant_id', '=', tenantId).where('host_job_id', '=', hostJobId).executeTakeFirst()
}

export async function findJob (db: Db, tenantId: string, id: string): Promise<Job | undefined> {
  return await db.selectFrom('jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function publicationsOfJob (db: Db, jobId: string): Promise<Publication[]> {
  return await db.selectFrom('publications').selectAll().where('job_id', '=', jobId).orderBy('created_at').orderBy('id').execute()
}
