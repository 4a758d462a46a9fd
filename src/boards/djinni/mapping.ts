// The host's job as Djinni's publication fields (fields.ts), by the assumed contract of
// docs/boards.md (Djinni: Publishing): the location as free text, salaries in USD a month only, the
// remote type in Djinni's own words, the category from the job's tags that name one. What Djinni
// cannot take is a problem naming the fields a publication can set instead. The job's employment
// has no field on Djinni's job (assumed contract) and is not carried; nothing the job says gives
// the years of experience.
import type { DictionaryItem, DictionaryLookup, JobForBoard, MappedFields, MappingProblem } from '../types.js'
import type { DjinniRemoteType } from './fields.js'

/** a problem, with the publication fields that settle it when the publication sets one of them */
const problem = (p: MappingProblem & { fields?: string[] }): MappingProblem => p

// the longest location fields.ts takes
const LOCATION_MAX = 200

const REMOTE: Record<NonNullable<JobForBoard['remoteType']>, DjinniRemoteType> = {
  office: 'office',
  remote: 'remote',
  hybrid: 'hybrid'
}

export async function djinniFieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields> {
  const fields: Record<string, unknown> = {}
  const problems: MappingProblem[] = []

  // Djinni's location is free text (assumed contract): the job's words as they are
  const location = job.location?.trim() ?? ''
  if (location.length > LOCATION_MAX) {
    problems.push(problem({ pointer: '/location', detail: `Djinni takes a location of at most ${LOCATION_MAX} characters: set fields.location`, fields: ['location'] }))
  } else if (location !== '') {
    fields.location = location
  }

  if (job.remoteType !== null) fields.remoteType = REMOTE[job.remoteType]

  if (job.salary !== null) {
    const { from, to, currency } = job.salary
    if (currency.toUpperCase() !== 'USD') {
      // docs/boards.md: Djinni shows salaries in USD a month; no exchange rate is ours to pick
      problems.push(problem({ pointer: '/salary', detail: `Djinni takes salaries in USD a month, not ${currency}: set fields.salaryFrom and salaryTo in USD`, fields: ['salaryFrom', 'salaryTo'] }))
    } else if (from !== undefined && to !== undefined && from > to) {
      problems.push(problem({ pointer: '/salary', detail: `the salary's from (${from}) is above its to (${to})`, fields: ['salaryFrom', 'salaryTo'] }))
    } else {
      if (from !== undefined) fields.salaryFrom = Math.round(from)
      if (to !== undefined) fields.salaryTo = Math.round(to)
    }
  }

  // a tag that is exactly a category's name gives the category; tags naming several leave the choice to the host
  const categories = new Map<string, DictionaryItem>()
  for (const tag of job.tags) {
    const found = await lookup.find('categories', tag)
    if (found.length === 1) categories.set(found[0]!.id, found[0]!)
  }
  const [only] = categories.values()
  if (categories.size === 1 && only !== undefined) {
    fields.category = only.id
  } else if (categories.size > 1) {
    problems.push(problem({ pointer: '/tags', detail: `the job's tags name ${categories.size} Djinni categories: set fields.category to one of them`, candidates: [...categories.values()], fields: ['category'] }))
  }

  return { fields, problems }
}
