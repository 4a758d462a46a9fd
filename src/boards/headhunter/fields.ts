// The HeadHunter-specific fields of a publication, named for our API (camelCase); publishing maps
// them onto hh's VacancyCreate (`area{id}`, `type{id}`, `professional_roles[{id}]`, …). Required
// ones and the enums follow docs/boards.md and the dictionaries in hh's spec (`GET /dictionaries`).
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'

const NumericId = (description: string) => Type.String({ pattern: '^\\d+$', maxLength: 20, description })

export const headHunterFields = Type.Object({
  areaId: NumericId('hh area (GET /areas) where the job is; must be a leaf, a city rather than a country or region, e.g. "1" Moscow, "115" Kyiv'),
  vacancyType: Type.Enum(['open', 'closed', 'anonymous', 'direct'], {
    default: 'open',
    description: 'open: public; closed: contacts hidden until the employer invites; anonymous: the employer\'s name hidden; direct: an advertising vacancy answered outside hh'
  }),
  billingType: Type.Optional(Type.Enum(['free', 'standard', 'standard_plus', 'premium'], {
    description: 'hh billing type of the vacancy; used when the publication has no publicationType (the same ids)'
  })),
  professionalRoleId: NumericId('the one hh professional role (GET /professional_roles) the vacancy is for, e.g. "96" programmer/developer'),
  experienceId: Type.Optional(Type.Enum(['noExperience', 'between1And3', 'between3And6', 'moreThan6'], { description: 'required experience (hh dictionary `experience`)' })),
  employmentId: Type.Optional(Type.Enum(['full', 'part', 'project', 'volunteer', 'probation'], { description: 'employment type (hh dictionary `employment`)' })),
  scheduleId: Type.Optional(Type.Enum(['fullDay', 'shift', 'flexible', 'remote', 'flyInFlyOut'], { description: 'work schedule (hh dictionary `schedule`)' })),
  salary: Type.Optional(Type.Object({
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'lower bound, per month' })),
    to: Type.Optional(Type.Integer({ minimum: 0, description: 'upper bound, per month' })),
    currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'RUR', description: 'hh currency code (dictionary `currency`): RUR, USD, EUR, UAH, KZT, BYR, …' }),
    gross: Type.Boolean({ default: false, description: 'true: before tax; false: take-home' })
  }, { additionalProperties: false, description: 'salary range; give from, to or both' })),
  keySkills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    maxItems: 30,
    uniqueItems: true,
    description: 'key skills shown on the vacancy (hh: at most 30, each at most 100 characters)'
  })),
  addressId: Type.Optional(NumericId('one of the employer\'s saved addresses (GET /employers/{id}/addresses)')),
  managerId: Type.Optional(NumericId('the hh manager (recruiter, see the integration\'s recruiters) who owns the vacancy and gets its responses; default: the manager who installed the account')),
  code: Type.Optional(Type.String({ maxLength: 255, description: 'the employer\'s internal vacancy code, not shown to candidates' })),
  responseLetterRequired: Type.Optional(Type.Boolean({ description: 'candidates must write a cover letter to apply' })),
  acceptHandicapped: Type.Optional(Type.Boolean({ description: 'suitable for people with disabilities' })),
  acceptKids: Type.Optional(Type.Boolean({ description: 'open to applicants from 14 years old' })),
  acceptTemporary: Type.Optional(Type.Boolean({ description: 'temporary employment or part-time work is possible' })),
  acceptIncompleteResumes: Type.Optional(Type.Boolean({ description: 'accept responses with an incomplete resume' }))
}, { additionalProperties: false })
export type HeadHunterFields = Static<typeof headHunterFields>

// docs/boards.md: billing types free|standard|standard_plus|premium; every one but free spends a
// bought publication (`available_publications_count` of available_types)
export const headHunterPublicationTypes: readonly PublicationType[] = [
  { id: 'free', name: 'Free', paid: false },
  { id: 'standard', name: 'Standard', paid: true },
  { id: 'standard_plus', name: 'Standard plus', paid: true },
  { id: 'premium', name: 'Premium', paid: true }
]
