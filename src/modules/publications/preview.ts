// The publish preview: what a publish of the job through an integration would send the board (the
// adapter's previewPayload of the posting), the fields as they would be sent, and what is still
// missing or does not fit. It never publishes and never spends quota; the only board call it may
// make is a first fetch of a dictionary the board's mapping looks names up in.
import type { Publication } from '../../db/schema.js'
import { invalidInput } from '../../errors.js'
import type { IntegrationService } from '../integrations/service.js'
import type { JobService } from '../jobs/service.js'
import { boardPosting, problemView, type PostingDictionaries } from './fields.js'
import { accountFor } from './publish.js'
import type { PreviewInput, PreviewView } from './schemas.js'

export interface PreviewDeps {
  integrations: Pick<IntegrationService, 'openAccount'>
  jobs: Pick<JobService, 'mustFind'>
  dictionaries: PostingDictionaries
  findPublication: (tenantId: string, id: string) => Promise<Publication | undefined>
}

export function createPreview ({ integrations, jobs, dictionaries, findPublication }: PreviewDeps) {
  /** `where`: the query of GET, or the body of POST, where the ids came from */
  return async function preview (tenantId: string, hostJobId: string, input: PreviewInput, where: 'query' | 'body'): Promise<PreviewView> {
    const job = await jobs.mustFind(tenantId, hostJobId)
    let publication: Publication | undefined
    if (input.publicationId !== undefined) {
      publication = await findPublication(tenantId, input.publicationId)
      if (publication === undefined || publication.job_id !== job.id) {
        throw invalidInput(`publication ${input.publicationId} is not a publication of job ${hostJobId}`, [{ in: where, pointer: '/publicationId', detail: `is not a publication of job ${hostJobId}` }])
      }
      if (input.integrationId !== undefined && input.integrationId !== publication.integration_id) {
        throw invalidInput('the publication is on another integration', [{ in: where, pointer: '/integrationId', detail: 'is not the integration of the publication' }])
      }
    }
    const integrationId = input.integrationId ?? publication?.integration_id
    if (integrationId === undefined) {
      throw invalidInput('integrationId or publicationId is required', [{ in: where, pointer: '/integrationId', detail: 'is required (or give publicationId)' }])
    }
    const opened = await accountFor(integrations, tenantId, integrationId, '/integrationId', where)
    const { adapter } = opened
    const types = adapter.publicationTypes
    const publicationType = input.publicationType ?? publication?.publication_type ?? (types.length === 1 ? types[0]?.id ?? null : null)
    const own = {
      title: input.title !== undefined ? input.title : publication?.title ?? null,
      description: input.description !== undefined ? input.description : publication?.description ?? null,
      fields: input.fields ?? publication?.fields ?? {}
    }
    const posting = await boardPosting(dictionaries, opened, own, job, publicationType)
    const missing = [...posting.missing, ...posting.unknownIds]
    return {
      board: adapter.id,
      integrationId: opened.integrationId,
      publicationType,
      payload: adapter.previewPayload(posting.input),
      fields: posting.input.fields,
      fromJob: posting.mapped,
      missing,
      problems: posting.problems.map(problemView),
      ready: missing.length === 0 && posting.problems.length === 0
    }
  }
}
