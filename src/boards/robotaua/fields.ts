// The Robota.ua-specific fields of a publication, named for our API (camelCase) and for the body
// of `POST /vacancy/add` they map onto one to one. docs/boards.md says that body is not public; the
// names and rules here follow test/fakes/robotaua.ts (ASSUMPTION: `cityId` int > 0, `salary`
// optional, `publicationType` the enum name from `GET /values/vacancy/publicationtype`).
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'

export const robotauaFields = Type.Object({
  cityId: Type.Integer({ minimum: 1, description: 'Robota.ua city id (the board\'s city dictionary) where the job is' }),
  salary: Type.Optional(Type.Integer({ minimum: 0, description: 'monthly salary in UAH shown on the vacancy; omit to show none' }))
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
  salary: 'salary'
}

/**
 * Our name for a field Robota.ua named in an error, or undefined when it is none of ours (e.g. `id`).
 * Compared without case: ASP.NET model errors may name a property `Name` as well as `name`.
 */
export function ourFieldOf (wireName: string): string | undefined {
  return ourFieldByWireName[wireName.toLowerCase()]
}
