// The host's job in hh's fields (fields.ts): the location matched in hh's areas, the salary in hh's
// currency codes, employment as an `employment_form`, the remote type as a `work_format`. What hh
// cannot take from the job is a problem naming the job's field and the hh field that settles it.
import type { DictionaryLookup, JobForBoard, MappedFields, MappingProblem } from '../types.js'

// hh's `currency` dictionary writes the rouble as RUR (and the Belarusian one as BYR)
const CURRENCY: Record<string, string> = { RUB: 'RUR', BYN: 'BYR' }

// hh's employment_form ids (GET /dictionaries); an internship or temporary job has no form of its own there
const EMPLOYMENT_FORM: Partial<Record<NonNullable<JobForBoard['employment']>, string>> = {
  full_time: 'FULL',
  part_time: 'PART',
  contract: 'PROJECT'
}

const WORK_FORMAT: Record<NonNullable<JobForBoard['remoteType']>, string> = {
  office: 'ON_SITE',
  remote: 'REMOTE',
  hybrid: 'HYBRID'
}

async function location (job: JobForBoard, lookup: DictionaryLookup, fields: Record<string, unknown>, problems: MappingProblem[]): Promise<void> {
  if (job.location === null || job.location.trim() === '') return
  const found = await lookup.find('areas', job.location)
  if (found.length === 1) fields.areaId = found[0]!.id
  else if (found.length === 0) problems.push({ pointer: '/location', detail: `"${job.location.slice(0, 100)}" is not an hh area: set fields.areaId (dictionary areas)`, fields: ['areaId'] })
  else problems.push({ pointer: '/location', detail: `"${job.location.slice(0, 100)}" is ${found.length} hh areas: set fields.areaId to one of them`, candidates: found, fields: ['areaId'] })
}

function salary (job: JobForBoard, fields: Record<string, unknown>, problems: MappingProblem[]): void {
  if (job.salary === null) return
  const { from, to, gross } = job.salary
  if (from !== undefined && to !== undefined && from > to) {
    problems.push({ pointer: '/salary', detail: `the salary's from (${from}) is above its to (${to})`, fields: ['salary'] })
    return
  }
  if (from === undefined && to === undefined) return
  const currency = job.salary.currency.toUpperCase()
  fields.salary = {
    ...(from === undefined ? {} : { from: Math.floor(from) }),
    ...(to === undefined ? {} : { to: Math.floor(to) }),
    currency: CURRENCY[currency] ?? currency,
    gross: gross ?? false
  }
}

export async function headHunterFieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields> {
  const fields: Record<string, unknown> = {}
  const problems: MappingProblem[] = []
  await location(job, lookup, fields, problems)
  salary(job, fields, problems)
  if (job.employment !== null) {
    const form = EMPLOYMENT_FORM[job.employment]
    if (form !== undefined) fields.employmentFormId = form
    else problems.push({ pointer: '/employment', detail: `hh has no employment form for ${job.employment.replace('_', ' ')} work: set fields.employmentFormId (dictionary employment_form) or leave it out`, fields: ['employmentFormId'] })
  }
  if (job.remoteType !== null) fields.workFormatIds = [WORK_FORMAT[job.remoteType]]
  return { fields, problems }
}
