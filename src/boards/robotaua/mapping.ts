// The host's job as Robota.ua's publication fields (fields.ts): the location matched in dictionary
// `cities`, the salary as the one monthly UAH amount the vacancy body takes, the employment and the
// remote type in Robota.ua's words, the tags that name a rubric as `rubricIds`. What the board
// cannot take is a problem naming the fields a publication can set instead (docs/boards.md,
// Robota.ua: Publishing).
import type { DictionaryItem, DictionaryLookup, JobForBoard, MappedFields, MappingProblem } from '../types.js'
import type { RobotauaEmploymentType, RobotauaWorkType } from './fields.js'

/** a problem, with the publication fields that settle it when the publication sets one of them */
const problem = (p: MappingProblem & { fields?: string[] }): MappingProblem => p

// third-party (docs/boards.md): Robota.ua's employment types; an internship is none of them
const EMPLOYMENT: Record<NonNullable<JobForBoard['employment']>, RobotauaEmploymentType | undefined> = {
  full_time: 'FullTime',
  part_time: 'PartTime',
  contract: 'ProjectBased',
  temporary: 'ProjectBased',
  internship: undefined
}

const WORK: Record<NonNullable<JobForBoard['remoteType']>, RobotauaWorkType> = {
  office: 'Office',
  remote: 'Remote',
  hybrid: 'Hybrid'
}

/** the cities the location names: the whole text, else its first part ("Київ, Україна" → "Київ") */
async function citiesOf (location: string, lookup: DictionaryLookup): Promise<DictionaryItem[]> {
  const whole = await lookup.find('cities', location)
  if (whole.length > 0) return whole
  const first = location.split(',')[0]?.trim() ?? ''
  return first === '' || first === location ? [] : await lookup.find('cities', first)
}

export async function robotauaFieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields> {
  const fields: Record<string, unknown> = {}
  const problems: MappingProblem[] = []

  const location = job.location?.trim() ?? ''
  if (location !== '') {
    const cities = await citiesOf(location, lookup)
    const [only] = cities
    if (cities.length === 1 && only !== undefined) {
      fields.cityId = Number(only.id)
    } else if (cities.length > 1) {
      problems.push(problem({ pointer: '/location', detail: `"${location}" is more than one Robota.ua city: set fields.cityId to one of them`, candidates: cities, fields: ['cityId'] }))
    } else {
      problems.push(problem({ pointer: '/location', detail: `no Robota.ua city is called "${location}": set fields.cityId (dictionary cities)`, fields: ['cityId'] }))
    }
  }

  if (job.salary !== null) {
    const { from, to, currency } = job.salary
    if (currency.toUpperCase() !== 'UAH') {
      // assumption (docs/boards.md): the body's salary is hryvnias; no exchange rate is ours to pick
      problems.push(problem({ pointer: '/salary', detail: `Robota.ua takes a salary in UAH, not ${currency}: set fields.salary in UAH a month`, fields: ['salary'] }))
    } else if (from !== undefined && to !== undefined && from > to) {
      problems.push(problem({ pointer: '/salary', detail: `the salary's from (${from}) is above its to (${to})`, fields: ['salary'] }))
    } else if (from !== undefined || to !== undefined) {
      // the body takes one amount: the least the employer offers, where the job says it
      fields.salary = Math.round(from ?? to!)
    }
  }

  if (job.employment !== null) {
    const employment = EMPLOYMENT[job.employment]
    if (employment === undefined) {
      problems.push(problem({ pointer: '/employment', detail: `Robota.ua has no ${job.employment} employment: set fields.employmentTypes (FullTime, PartTime, ProjectBased or Shift)`, fields: ['employmentTypes'] }))
    } else {
      fields.employmentTypes = [employment]
    }
  }

  if (job.remoteType !== null) fields.workTypes = [WORK[job.remoteType]]

  // a tag that is exactly a rubric's name lists the vacancy there; other tags mean nothing to Robota.ua
  const rubricIds: number[] = []
  for (const tag of job.tags) {
    const found = await lookup.find('rubrics', tag)
    const [rubric] = found
    if (found.length === 1 && rubric !== undefined && !rubricIds.includes(Number(rubric.id))) rubricIds.push(Number(rubric.id))
  }
  if (rubricIds.length > 0) fields.rubricIds = rubricIds.slice(0, 10)

  return { fields, problems }
}
