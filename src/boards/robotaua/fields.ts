// The Robota.ua-specific fields of a publication, named for our API (camelCase) and for the body
// of `POST /vacancy/add` they map onto one to one. docs/boards.md (Robota.ua: Publishing) says that
// body is not public: `employmentTypes` and `workTypes` are what several third-party clients send,
// the rest follows test/fakes/robotaua.ts (ASSUMPTION: `cityId` an id of `GET /values/citylist`,
// `salary` optional in UAH a month, `rubricIds` ids of `GET /values/rubrics`, `publicationType` the
// enum name from `GET /values/vacancy/publicationtype`).
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'

/** docs/boards.md (Robota.ua: Publishing, third-party): the employment types a vacancy takes */
export const RobotauaEmploymentType = Type.Enum(['FullTime', 'PartTime', 'ProjectBased', 'Shift'], {
  description: 'FullTime, PartTime, ProjectBased (a project or a fixed term) or Shift (shift work)'
})
export type RobotauaEmploymentType = Static<typeof RobotauaEmploymentType>

/** docs/boards.md (Robota.ua: Publishing, third-party): where the work happens */
export const RobotauaWorkType = Type.Enum(['Remote', 'Hybrid', 'Office'], { description: 'Remote, Hybrid or Office' })
export type RobotauaWorkType = Static<typeof RobotauaWorkType>

export const robotauaFields = Type.Object({
  cityId: Type.Integer({ minimum: 1, 'x-dictionary': 'cities', description: 'Robota.ua city id (dictionary cities) where the job is; filled from the job\'s location' }),
  salary: Type.Optional(Type.Integer({ minimum: 0, description: 'monthly salary in UAH shown on the vacancy; omit to show none; filled from the job\'s salary in UAH' })),
  rubricIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1, 'x-dictionary': 'rubrics' }), {
    maxItems: 10, uniqueItems: true, description: 'Robota.ua rubrics (dictionary rubrics) the vacancy is listed under; filled from the job\'s tags that name one'
  })),
  employmentTypes: Type.Optional(Type.Array(RobotauaEmploymentType, { maxItems: 4, uniqueItems: true, description: 'filled from the job\'s employment' })),
  workTypes: Type.Optional(Type.Array(RobotauaWorkType, { maxItems: 3, uniqueItems: true, description: 'filled from the job\'s remote type' }))
}, { additionalProperties: false })
export type RobotauaFields = Static<typeof robotauaFields>

/** the ids Robota.ua's bodies use for publication types (docs/boards.md: GET /values/vacancy/publicationtype) */
export const RobotauaPublicationTypeId = Type.Enum(['Business', 'Optimum', 'Professional', 'Anonym'], {
  description: 'Robota.ua publication type: Business, Optimum, Professional or Anonym'
})
export type RobotauaPublicationTypeId = Static<typeof RobotauaPublicationTypeId>

// docs/boards.md lists the four types; every one spends a bought publication (Robota.ua has no free
// vacancy type). Names are the board's own, as its dictionary answers them.
export const robotauaPublicationTypes: ReadonlyArray<PublicationType & { id: RobotauaPublicationTypeId }> = [
  { id: 'Business', name: 'Бізнес', paid: true },
  { id: 'Optimum', name: 'Оптимум', paid: true },
  { id: 'Professional', name: 'Професіонал', paid: true },
  { id: 'Anonym', name: 'Анонімна', paid: true }
]

// The board's names in `POST /vacancy/add` (and in its `{message, field}` errors) for what we call
// otherwise: `title` and `description` of the posting, the publication type, and fields.ts's own.
const ourFieldByWireName: Record<string, string> = {
  name: 'title',
  description: 'description',
  publicationtype: 'publicationType',
  cityid: 'cityId',
  salary: 'salary',
  rubricids: 'rubricIds',
  employmenttypes: 'employmentTypes',
  worktypes: 'workTypes'
}

/**
 * Our name for a field Robota.ua named in an error, or undefined when it is none of ours (e.g. `id`).
 * Compared without case: ASP.NET model errors may name a property `Name` as well as `name`.
 */
export function ourFieldOf (wireName: string): string | undefined {
  return ourFieldByWireName[wireName.toLowerCase()]
}
