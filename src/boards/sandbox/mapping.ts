// The job as the sandbox takes it (docs/boards.md, Sandbox): the location matched in dictionary
// `cities` ("Львів", "Первомайськ, Луганська область", or an English name such as "Kyiv"), the
// salary in UAH a month only, employment and remote type in the sandbox's own words, tags as skills.
// And the request a publish would send, for the preview.
import type { DictionaryItem, DictionaryLookup, JobForBoard, MappedFields, MappingProblem, PostingInput } from '../types.js'
import { SANDBOX_CITY_ALIASES, sandboxCity } from './dictionaries.js'

const EMPLOYMENT: Record<NonNullable<JobForBoard['employment']>, string | undefined> = {
  full_time: 'full', part_time: 'part', contract: 'contract', internship: 'internship', temporary: undefined
}

/** the cities the job's location names: the whole text, else its first part narrowed by the rest (an oblast), else an English name */
async function citiesOf (location: string, lookup: DictionaryLookup): Promise<DictionaryItem[]> {
  const whole = await lookup.find('cities', location)
  if (whole.length > 0) return whole
  const [first = '', ...rest] = location.split(',').map(part => part.trim()).filter(part => part !== '')
  let found = first === location ? [] : await lookup.find('cities', first)
  if (found.length > 1 && rest.length > 0) {
    const parents = (await Promise.all(rest.map(async part => await lookup.find('cities', part)))).flat().map(p => p.id)
    const narrowed = found.filter(c => c.parentId !== null && parents.includes(c.parentId))
    if (narrowed.length > 0) found = narrowed
  }
  if (found.length > 0) return found
  const alias = SANDBOX_CITY_ALIASES[first.toLowerCase()]
  const city = alias === undefined ? undefined : sandboxCity(alias)
  return city === undefined ? [] : [city]
}

export async function sandboxFieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields> {
  const fields: Record<string, unknown> = {}
  const problems: MappingProblem[] = []

  if (job.location !== null && job.location.trim() !== '') {
    const cities = await citiesOf(job.location.trim(), lookup)
    const [only] = cities
    if (cities.length === 1 && only !== undefined) {
      fields.cityId = only.id
    } else if (cities.length > 1) {
      problems.push({ pointer: '/location', detail: `"${job.location}" is more than one Sandbox city: add the oblast ("Первомайськ, Луганська область"), or set fields.cityId`, candidates: cities, fields: ['cityId'] })
    } else {
      problems.push({ pointer: '/location', detail: `no Sandbox city is called "${job.location}": set fields.cityId (dictionary cities)`, fields: ['cityId'] })
    }
  }

  if (job.salary !== null) {
    const { from, to, currency } = job.salary
    if (currency !== 'UAH') {
      problems.push({ pointer: '/salary', detail: `the Sandbox takes salaries in UAH only, not ${currency}: set fields.salaryFrom and salaryTo in UAH`, fields: ['salaryFrom', 'salaryTo'] })
    } else if (from !== undefined && to !== undefined && from > to) {
      problems.push({ pointer: '/salary', detail: `the salary's from (${from}) is above its to (${to})`, fields: ['salaryFrom', 'salaryTo'] })
    } else {
      if (from !== undefined) fields.salaryFrom = from
      if (to !== undefined) fields.salaryTo = to
    }
  }

  if (job.employment !== null) {
    const employment = EMPLOYMENT[job.employment]
    if (employment === undefined) problems.push({ pointer: '/employment', detail: `the Sandbox has no ${job.employment} employment: set fields.employment (full, part, contract or internship)`, fields: ['employment'] })
    else fields.employment = employment
  }

  if (job.remoteType !== null) fields.workFormat = job.remoteType
  if (job.tags.length > 0) fields.skills = job.tags.slice(0, 20).map(tag => tag.slice(0, 50))
  return { fields, problems }
}

/** the JSON body a sandbox publish would send, were the sandbox a board with an HTTP API */
export function sandboxPreviewPayload (posting: PostingInput): unknown {
  const f = posting.fields
  const city = typeof f.cityId === 'string' ? sandboxCity(f.cityId) : undefined
  return {
    title: posting.title,
    description_html: posting.description,
    publication_type: posting.publicationType,
    city: f.cityId === undefined ? null : { id: f.cityId, name: city?.name ?? null },
    category_id: f.categoryId ?? null,
    salary: f.salaryFrom === undefined && f.salaryTo === undefined ? null : { from: f.salaryFrom ?? null, to: f.salaryTo ?? null, currency: 'UAH', period: 'month' },
    employment: f.employment ?? null,
    work_format: f.workFormat ?? null,
    skills: f.skills ?? [],
    simulation: { applicants: f.applicants, arrivals_per_sync: f.arrivalsPerSync, moderation: f.moderation }
  }
}
