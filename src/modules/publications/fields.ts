// A publication's board fields: checked against the board's schema (a draft may leave required
// fields out, a publish may not), and merged with the job into what the board is sent.
import { Type, type TObject } from 'typebox'
import { Value } from 'typebox/value'
import type { Publication } from '../../db/schema.js'
import { AppError, invalidInput, type FieldError } from '../../errors.js'
import type { BoardAdapter, PostingInput } from '../../boards/types.js'

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

/** the vacancy as the board gets it: the publication's own title and description over the job's */
export function postingInput (p: Publication, job: { title: string, description: string }, publicationType: string | null): PostingInput {
  return { title: p.title ?? job.title, description: p.description ?? job.description, fields: p.fields, publicationType }
}
