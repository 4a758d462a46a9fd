// The HeadHunter-specific fields of a publication, named for our API (camelCase); publishing maps
// them onto hh's VacancyCreate (`area{id}`, `type{id}`, `professional_roles[{id}]`, …). Required
// ones follow docs/boards.md; every field whose value is an hh id names its dictionary
// (`x-dictionary`, dictionaries.ts), so the host's form lists the values and the service checks them.
// Only hh's current fields: `employment_form`, `work_format`, `work_schedule_by_days` and
// `working_hours` replace the deprecated `employment` and `schedule` (hh's spec).
import { Type, type Static } from 'typebox'
import type { PublicationType } from '../types.js'

const NumericId = (description: string, dictionary?: string) =>
  Type.String({ pattern: '^\\d+$', maxLength: 20, description, ...(dictionary === undefined ? {} : { 'x-dictionary': dictionary }) })
/** an id of one of hh's field dictionaries (GET /dictionaries) */
const DictionaryId = (dictionary: string, description: string) =>
  Type.String({ minLength: 1, maxLength: 50, 'x-dictionary': dictionary, description: `${description} (hh dictionary \`${dictionary}\`)` })
const DictionaryIds = (dictionary: string, description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 50, 'x-dictionary': dictionary }), { minItems: 1, maxItems: 10, uniqueItems: true, description: `${description} (hh dictionary \`${dictionary}\`)` })

export const headHunterFields = Type.Object({
  areaId: NumericId('hh area (dictionary areas) where the job is; must be a leaf, a city rather than a country or region, e.g. "1" Moscow, "115" Kyiv', 'areas'),
  vacancyType: Type.Enum(['open', 'closed', 'anonymous', 'direct'], {
    default: 'open',
    description: 'open: public; closed: contacts hidden until the employer invites; anonymous: the employer\'s name hidden (needs customEmployerName); direct: an advertising vacancy answered outside hh (needs responseUrl)'
  }),
  customEmployerName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'anonymous vacancies: the name shown instead of the employer\'s, e.g. "a large bank" (hh requires it for vacancyType anonymous)' })),
  responseUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'direct vacancies: where candidates respond, outside hh (hh requires it for vacancyType direct)' })),
  billingType: Type.Optional(Type.Enum(['free', 'standard', 'standard_plus', 'premium'], {
    description: 'hh billing type of the vacancy; used when the publication has no publicationType (the same ids)'
  })),
  professionalRoleId: NumericId('the one hh professional role (dictionary professional_roles) the vacancy is for, e.g. "96" programmer/developer', 'professional_roles'),
  experienceId: Type.Optional(DictionaryId('experience', 'required experience, e.g. "between1And3"')),
  employmentFormId: Type.Optional(DictionaryId('employment_form', 'employment form, e.g. "FULL", "PART", "PROJECT"; filled from the job\'s employment')),
  workFormatIds: Type.Optional(DictionaryIds('work_format', 'where the work is done, e.g. ["REMOTE"], ["ON_SITE", "HYBRID"]; filled from the job\'s remote type')),
  workScheduleByDaysIds: Type.Optional(DictionaryIds('work_schedule_by_days', 'working days schedule, e.g. ["FIVE_ON_TWO_OFF"]')),
  workingHoursIds: Type.Optional(DictionaryIds('working_hours', 'working hours a day, e.g. ["HOURS_8"]')),
  ignoreReplacementWarning: Type.Optional(Type.Boolean({ description: 'edits only: go ahead when hh warns that the change makes it another vacancy (hh `replacement`, a risk that moderation blocks it); without it such an edit is refused, saying so' })),
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
  addressId: Type.Optional(NumericId('one of the employer\'s saved addresses on hh (dictionary addresses, the account\'s own)', 'addresses')),
  managerId: Type.Optional(NumericId('the hh manager (dictionary managers, the account\'s own; the integration\'s recruiters) who owns the vacancy and gets its responses; default: the manager who installed the account', 'managers')),
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
