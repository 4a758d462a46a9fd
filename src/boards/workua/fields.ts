// The Work.ua-specific fields of a publication, named for our API (camelCase); publishing maps them
// onto the PHP-style form keys of `POST /jobs` through WORKUA_FORM_KEYS. Ids are entries of Work.ua's
// dictionaries (`GET /dictionaries/{town|category|jobtype|experience}`); the limits are docs/boards.md's.
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'
import type { WorkuaDictionaryName } from './dictionaries.js'

// `x-dictionary` names the catalogue the id comes from (dictionaries.ts), for the host's form and our checks
const DictionaryId = (dictionary: WorkuaDictionaryName, description: string) =>
  Type.Integer({ minimum: 1, 'x-dictionary': dictionary, description: `${description} (Work.ua dictionary \`${dictionary}\`, GET /dictionaries/${dictionary})` })

export const workuaFields = Type.Object({
  regionId: DictionaryId('town', 'the town where the job is, e.g. 1 Київ'),
  categoryIds: Type.Array(DictionaryId('category', 'a category of the job'), {
    minItems: 1,
    maxItems: 3,
    uniqueItems: true,
    description: 'one to three categories of the job (Work.ua takes at most 3)'
  }),
  jobtypeIds: Type.Array(DictionaryId('jobtype', 'a type of employment'), {
    minItems: 1,
    uniqueItems: true,
    description: 'at least one type of employment, e.g. 74 full-time, 76 remote'
  }),
  experienceId: Type.Optional(DictionaryId('experience', 'the experience required')),
  salary: Type.Optional(Type.Integer({ minimum: 0, description: 'monthly salary in UAH shown on the job; omit to show none' }))
}, { additionalProperties: false })
export type WorkuaFields = Static<typeof workuaFields>

/** our field → the form key of `POST /jobs` / `PUT /jobs/{id}` (docs/boards.md); also names our field when Work.ua refuses its key */
export const WORKUA_FORM_KEYS: Readonly<Record<keyof WorkuaFields, string>> = {
  regionId: 'region[id]',
  categoryIds: 'category[][id]',
  jobtypeIds: 'jobtype[][id]',
  experienceId: 'experience[id]',
  salary: 'salary[value]'
}

/** our title and description → their form keys of `POST /jobs` / `PUT /jobs/{id}` (docs/boards.md); named back the same way when refused */
export const WORKUA_POSTING_FORM_KEYS: Readonly<{ title: string, description: string }> = {
  title: 'name',
  description: 'description'
}

/** the ids Work.ua's `publication` form key takes (its `publication_type` dictionary; "standart" is the board's spelling) */
export const WorkuaPublicationTypeId = Type.Enum(['standart_job', 'vip_job', 'hot_job'], {
  description: 'Work.ua publication type: standart_job, vip_job or hot_job'
})
export type WorkuaPublicationTypeId = Static<typeof WorkuaPublicationTypeId>

// every type spends a bought publication: Work.ua counts each in GET /available-publications
// (docs/boards.md). Names are the board's own, as its dictionary answers them.
export const workuaPublicationTypes: ReadonlyArray<PublicationType & { id: WorkuaPublicationTypeId }> = [
  { id: 'standart_job', name: 'Стандартна', paid: true },
  { id: 'vip_job', name: 'VIP', paid: true },
  { id: 'hot_job', name: 'Гаряча', paid: true }
]
