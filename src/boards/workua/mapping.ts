// The host's job as Work.ua's publication fields (fields.ts): where the job is, as a town of
// Work.ua's `town` catalogue; its salary as the one amount in UAH a month Work.ua shows; its
// employment and remote work as `jobtype` entries. Ids are always the catalogues' own, found by
// name through the service's lookup: what cannot be matched with certainty is a problem naming the
// job's field, never a guessed id. Title and description are the publication's; the categories
// cannot be told from the job and stay the publication's to set.
import type { DictionaryItem, DictionaryLookup, JobForBoard, MappedFields, MappingProblem } from '../types.js'
import { otherTownSpellings } from './town-names.js'

type Employment = NonNullable<JobForBoard['employment']>

/**
 * Names of Work.ua's `jobtype` entries (Ukrainian, and the Russian of older lists). ASSUMPTION: the
 * names (docs/boards.md knows the catalogue, not its entries); an entry not found is a problem, not
 * a guess. Work.ua has no contract or temporary employment.
 */
const JOBTYPE_NAMES: Readonly<Record<Employment | 'remote', readonly string[]>> = {
  full_time: ['Повна зайнятість', 'Полная занятость'],
  part_time: ['Неповна зайнятість', 'Неполная занятость'],
  internship: ['Стажування, практика', 'Стажування / практика', 'Стажировка, практика', 'Стажировка / практика'],
  contract: [],
  temporary: [],
  remote: ['Дистанційна робота', 'Віддалена робота', 'Дистанционная работа', 'Удаленная работа']
}

/** the items of the first of `names` that `find` knows (spellings in order of preference); [] when none */
async function findFirst (lookup: DictionaryLookup, dictionary: string, names: readonly string[]): Promise<DictionaryItem[]> {
  for (const name of names) {
    const found = await lookup.find(dictionary, name)
    if (found.length > 0) return found
  }
  return []
}

/** the towns the location names: the whole text, else its first part ("Львів, Львівська обл."), else another spelling of it ("Kyiv") */
async function townsOf (location: string, lookup: DictionaryLookup): Promise<DictionaryItem[]> {
  const first = location.split(/[,(;]/)[0]!.trim()
  const found = await findFirst(lookup, 'town', first === location || first === '' ? [location] : [location, first])
  return found.length > 0 ? found : await findFirst(lookup, 'town', otherTownSpellings(first))
}

/** a catalogue id as Work.ua's form takes it (a positive integer), or undefined */
const numericId = (item: DictionaryItem): number | undefined => /^[1-9][0-9]{0,14}$/.test(item.id) ? Number(item.id) : undefined

async function location (job: JobForBoard, lookup: DictionaryLookup, fields: Record<string, unknown>, problems: MappingProblem[]): Promise<void> {
  const text = job.location?.trim() ?? ''
  if (text === '') return
  const towns = (await townsOf(text, lookup)).filter(town => numericId(town) !== undefined)
  if (towns.length === 1) {
    fields.regionId = numericId(towns[0]!)
  } else if (towns.length > 1) {
    problems.push({ pointer: '/location', detail: `"${text}" is ${towns.length} towns of Work.ua: set fields.regionId to one of them (dictionary town)`, candidates: towns })
  } else {
    problems.push({ pointer: '/location', detail: `Work.ua has no town called "${text}": set fields.regionId (dictionary town)` })
  }
}

/**
 * Work.ua shows one amount in UAH a month (`salary[value]`, whole hryvnias). ASSUMPTION (docs/boards.md
 * does not say what it takes): the board's site shows salaries in UAH. A range shows its lower end,
 * what the job pays at least; a salary with only an upper end cannot be shown honestly as one
 * amount. Other currencies are not converted: the rate of the day would put a number on the job
 * that the employer never chose.
 */
function salary (job: JobForBoard, fields: Record<string, unknown>, problems: MappingProblem[]): void {
  if (job.salary === null) return
  const { from, to, currency } = job.salary
  if (currency.toUpperCase() !== 'UAH') {
    problems.push({ pointer: '/salary', detail: `Work.ua takes a salary in UAH only, not ${currency}: give the job's salary in UAH, or set fields.salary (UAH a month)` })
  } else if (from !== undefined && to !== undefined && from > to) {
    problems.push({ pointer: '/salary', detail: `the salary's from (${from}) is above its to (${to})` })
  } else if (from !== undefined) {
    if (from >= 1) fields.salary = Math.floor(from)
  } else if (to !== undefined) {
    problems.push({ pointer: '/salary', detail: `Work.ua shows one amount, and the job says only the most it pays (${to} UAH): give the salary's from, or set fields.salary` })
  }
}

/** employment and remote work as `jobtype` entries: Work.ua says "remote" with a type of employment of its own */
async function jobtypes (job: JobForBoard, lookup: DictionaryLookup, fields: Record<string, unknown>, problems: MappingProblem[]): Promise<void> {
  const ids: number[] = []
  const add = (items: DictionaryItem[]): void => {
    for (const item of items) {
      const id = numericId(item)
      if (id !== undefined && !ids.includes(id)) ids.push(id)
    }
  }
  if (job.employment !== null) {
    const names = JOBTYPE_NAMES[job.employment]
    const found = await findFirst(lookup, 'jobtype', names)
    if (found.length > 0) add(found)
    else problems.push({ pointer: '/employment', detail: `Work.ua has no ${job.employment.replace('_', '-')} type of employment: set fields.jobtypeIds (dictionary jobtype)` })
  }
  // an office job is Work.ua's default; a hybrid one it has no word for (the description can say it)
  if (job.remoteType === 'remote') {
    const found = await findFirst(lookup, 'jobtype', JOBTYPE_NAMES.remote)
    if (found.length > 0) add(found)
    else problems.push({ pointer: '/remoteType', detail: 'Work.ua\'s jobtype dictionary has no remote work entry: set fields.jobtypeIds (dictionary jobtype)' })
  }
  if (ids.length > 0) fields.jobtypeIds = ids
}

export async function workuaFieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields> {
  const fields: Record<string, unknown> = {}
  const problems: MappingProblem[] = []
  await location(job, lookup, fields, problems)
  salary(job, fields, problems)
  await jobtypes(job, lookup, fields, problems)
  return { fields, problems }
}
