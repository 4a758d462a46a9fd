// The Djinni-specific fields of a publication, named for our API (camelCase); publishing maps them
// onto the body of `POST /jobs/` (snake_case) through DJINNI_BODY_KEYS. Djinni's employer API is
// private (docs/boards.md): names and rules follow the assumed contract in test/fakes/djinni.ts.
// `category` and `experienceYears` take the ids of Djinni's catalogues (dictionaries.ts); a category's
// id is the very value Djinni's body takes ("JavaScript"), so publications saved before it was a
// catalogue keep their values.
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'

export const DjinniRemoteType = Type.Enum(['office', 'remote', 'hybrid', 'candidate_choice'], {
  description: 'where the work happens: office, remote, hybrid, or candidate_choice (the candidate picks)'
})
export type DjinniRemoteType = Static<typeof DjinniRemoteType>

export const djinniFields = Type.Object({
  category: Type.String({ minLength: 1, maxLength: 100, 'x-dictionary': 'categories', description: 'Djinni job category (dictionary categories: the main specialization candidates search by), e.g. "JavaScript", "Python", "QA", "Project Manager"; filled from the job\'s tags that name one' }),
  experienceYears: Type.Integer({ minimum: 0, maximum: 10, 'x-dictionary': 'experience', description: 'years of experience required (dictionary experience), 0 (none) to 10' }),
  location: Type.String({ minLength: 1, maxLength: 200, description: 'city or country shown on the job, free text, e.g. "Київ" or "Ukraine"; filled from the job\'s location' }),
  remoteType: DjinniRemoteType,
  salaryFrom: Type.Optional(Type.Integer({ minimum: 0, description: 'lower bound of the monthly salary in USD, as Djinni shows salaries; omit to show none; filled from the job\'s salary in USD' })),
  salaryTo: Type.Optional(Type.Integer({ minimum: 0, description: 'upper bound of the monthly salary in USD; at least salaryFrom' }))
}, { additionalProperties: false })
export type DjinniFields = Static<typeof djinniFields>

/** our field → the key of Djinni's job body; also names our field when Djinni refuses its key */
export const DJINNI_BODY_KEYS: Readonly<Record<keyof DjinniFields, string>> = {
  category: 'category',
  experienceYears: 'experience_years',
  location: 'location',
  remoteType: 'remote_type',
  salaryFrom: 'salary_from',
  salaryTo: 'salary_to'
}

// Djinni sells no publication types: every job is free and goes through Djinni's approval before
// it is live (docs/boards.md), so there is one type and nothing to count
export const djinniPublicationTypes: readonly PublicationType[] = [
  { id: 'standard', name: 'Standard', paid: false }
]
