// A publication's board fields: checked against the board's schema (a draft may leave required
// fields out, a publish may not), and merged with the job into what the board is sent: the job's
// own fields mapped by the board (fieldsFromJob), the publication's fields over them.
import { Type, type TObject } from 'typebox'
import { Value } from 'typebox/value'
import type { Job, Publication } from '../../db/schema.js'
import { AppError, invalidInput, type FieldError } from '../../errors.js'
import type { BoardAdapter, JobForBoard, MappingProblem, PostingInput } from '../../boards/types.js'
import type { DictionaryService } from '../dictionaries/service.js'
import type { OpenedAccount } from '../integrations/service.js'

/** field errors of `fields` against the board's schema; drafts may leave required fields out */
export function checkFields (schema: TObject, fields: Record<string, unknown>, complete: boolean): FieldError[] {
  // Type.Partial drops additionalProperties: keep refusing fields the board does not have
  const target = complete ? schema : { ...Type.Partial(schema), additionalProperties: (schema as { additionalProperties?: unknown }).additionalProperties }
  const value = Value.Default(target, structuredClone(fields))
  const errors: FieldError[] = []
  for (const error of Value.Errors(target, value)) {
    const missing = error.keyword === 'required' ? (error.params as { requiredProperties?: string[] }).requiredProperties : undefined
    if (missing !== undefined && missing.length > 0) {
      for (const name of missing) errors.push({ in: 'body', pointer: `/fields${error.instancePath}/${name}`, detail: 'is required' })
    } else if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
      // the same extra field as the additionalProperties error below says, from the inside
      continue
    } else if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
      for (const name of extra) errors.push({ in: 'body', pointer: `/fields/${name}`, detail: 'is not a field of this board' })
    } else {
      errors.push({ in: 'body', pointer: `/fields${error.instancePath}`, detail: error.message })
    }
  }
  return errors
}

/** 400 when fields have the wrong types (any time) */
export function assertFieldTypes (adapter: BoardAdapter, fields: Record<string, unknown>, complete: boolean): void {
  const errors = checkFields(adapter.publicationFields, fields, complete)
  if (errors.length > 0) throw invalidInput(`fields do not fit ${adapter.name}: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors)
}

/** 422 when what a publish needs is missing: the board refuses the publication as it stands */
export const missingFields = (board: string, errors: FieldError[]) => new AppError({
  code: 'JOBSYNC_ERR_MISSING_FIELDS',
  status: 422,
  title: 'The board needs more fields',
  detail: `${board} refuses this publication: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`,
  errors
})

/** the publication type's problems, for the publish check (`type` null = none chosen) */
export function publicationTypeErrors (adapter: BoardAdapter, type: string | null): FieldError[] {
  const choices = adapter.publicationTypes.map(t => t.id).join(', ')
  if (type === null) return [{ in: 'body', pointer: '/publicationType', detail: `is required to publish on ${adapter.name} (one of: ${choices})` }]
  if (!adapter.publicationTypes.some(t => t.id === type)) return [{ in: 'body', pointer: '/publicationType', detail: `is not a ${adapter.name} publication type (one of: ${choices})` }]
  return []
}


/** what a board's mapping and its dictionary check need of the dictionaries module */
export type PostingDictionaries = Pick<DictionaryService, 'lookupFor' | 'fieldIdErrors'>

/** the job as the boards map it into their fields */
export function jobForBoard (job: Job, own: { title: string | null, description: string | null } = { title: null, description: null }): JobForBoard {
  return {
    title: own.title ?? job.title,
    description: own.description ?? job.description,
    location: job.location,
    salary: job.salary,
    employment: job.employment as JobForBoard['employment'],
    remoteType: job.remote_type,
    tags: job.tags
  }
}

/** what would go to the board for a publication, and what stands in its way */
export interface BoardPosting {
  /** the vacancy as the board is sent it: the board's fields filled from the job, the publication's own over them, defaults applied */
  input: PostingInput
  /** the fields the job filled, before the publication's own */
  mapped: Record<string, unknown>
  /** what the board cannot take of the job, where the publication's own fields do not settle it */
  problems: MappingProblem[]
  /** required fields still missing, fields of the wrong type, and the publication type's problems */
  missing: FieldError[]
  /** ids of the publication's own fields that are not in the board's dictionary */
  unknownIds: FieldError[]
}

/**
 * The publication as the board would get it: the job mapped into the board's fields
 * (`fieldsFromJob`), the publication's own fields over them (they win), checked for what is
 * missing. Makes no board call beyond a first fetch of a dictionary the mapping needs.
 */
export async function boardPosting (
  dictionaries: PostingDictionaries, opened: OpenedAccount,
  publication: { title: string | null, description: string | null, fields: Record<string, unknown> }, job: Job, publicationType: string | null
): Promise<BoardPosting> {
  const { adapter } = opened
  const forBoard = jobForBoard(job, publication)
  const mapped = await adapter.fieldsFromJob(forBoard, dictionaries.lookupFor(opened))
  const own = publication.fields
  // a problem of a job value is settled when the publication sets a board field it would fill
  const problems = mapped.problems.filter(p => p.fields === undefined || !p.fields.some(name => own[name] !== undefined))
  const merged = Value.Default(adapter.publicationFields, structuredClone({ ...mapped.fields, ...own })) as Record<string, unknown>
  return {
    input: { title: forBoard.title, description: forBoard.description, fields: merged, publicationType },
    mapped: mapped.fields,
    problems,
    missing: [...checkFields(adapter.publicationFields, merged, true), ...publicationTypeErrors(adapter, publicationType)],
    unknownIds: await dictionaries.fieldIdErrors(opened, own)
  }
}

/** 422: the job has values the board cannot take, and the publication does not set the fields itself */
export const jobDoesNotFit = (board: string, problems: MappingProblem[]) => new AppError({
  code: 'JOBSYNC_ERR_JOB_DOES_NOT_FIT',
  status: 422,
  title: 'The job does not fit the board',
  detail: `${board} cannot take the job as it is: ${problems.map(p => `${p.pointer} ${p.detail}`).join('; ')}`,
  // the pointers are the job's fields (PUT /v1/jobs/{hostJobId})
  errors: problems.map(p => ({ in: 'body', pointer: p.pointer, detail: p.detail })),
  extensions: { problems: problems.map(problemView) }
})

/** 400: ids that are not in the board's dictionary */
export const unknownIds = (board: string, errors: FieldError[]) =>
  invalidInput(`ids unknown to ${board}: ${errors.map(e => `${e.pointer} ${e.detail}`).join('; ')}`, errors)

/** a mapping problem as the host sees it */
export function problemView (p: MappingProblem): { pointer: string, detail: string, candidates: Array<{ id: string, name: string, parentId: string | null }>, fields: string[] } {
  return { pointer: p.pointer, detail: p.detail, candidates: (p.candidates ?? []).map(c => ({ id: c.id, name: c.name, parentId: c.parentId })), fields: p.fields ?? [] }
}
