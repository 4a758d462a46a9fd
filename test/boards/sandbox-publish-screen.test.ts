// The sandbox adapter's part of the publish screen on its own: its dictionaries (with ETags), the
// featured quota kept in the account's credentials, the job mapped into its fields and the payload.
import t from 'tap'
import { pino } from 'pino'
import { createSandboxAdapter, type SandboxCredentials } from '../../src/boards/sandbox/adapter.js'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, DictionaryItem, DictionaryLookup, JobForBoard } from '../../src/boards/types.js'
import { searchName } from '../../src/modules/dictionaries/search-name.js'
import { memoryStore } from '../helpers/credential-store.js'

const adapter = createSandboxAdapter()
const account = { externalId: 'sandbox-1', name: 'Sandbox', email: null }
const session = (credentials: SandboxCredentials): AccountSession<SandboxCredentials> => ({ key: 'test', credentials: memoryStore(credentials), log: pino({ level: 'silent' }) })

/** the service's lookup over the sandbox's own catalogues: whole names, folded */
async function lookup (): Promise<DictionaryLookup & { asked: string[] }> {
  const s = session({ accountName: 'x' })
  const catalogues = new Map<string, DictionaryItem[]>()
  for (const d of adapter.dictionaries) {
    const fetched = await adapter.fetchDictionary(s, account, d.name, null)
    if (!fetched.notModified) catalogues.set(d.name, fetched.items)
  }
  const asked: string[] = []
  return {
    asked,
    async find (name, text) {
      asked.push(`${name}:${text}`)
      return (catalogues.get(name) ?? []).filter(i => searchName(i.name) === searchName(text))
    }
  }
}

const job = (changes: Partial<JobForBoard> = {}): JobForBoard => ({
  title: 'Engineer', description: '<p>Work</p>', location: null, salary: null, employment: null, remoteType: null, tags: [], ...changes
})

t.test('dictionaries: the whole catalogue with its ETag; the ETag sent back is "not modified"; an unknown name is not_found', async t => {
  const s = session({ accountName: 'x' })
  const cities = await adapter.fetchDictionary(s, account, 'cities', null)
  if (cities.notModified) throw new Error('expected content')
  t.equal(cities.items.length, 39)
  t.match(cities.version, { etag: /^"[0-9a-f]{16}"$/, lastModified: null })
  t.ok(cities.items.filter(i => i.parentId !== null).every(i => cities.items.some(p => p.id === i.parentId && p.parentId === null)), 'every city under a top-level item')
  t.same(await adapter.fetchDictionary(s, account, 'cities', cities.version), { notModified: true })
  const other = await adapter.fetchDictionary(s, account, 'categories', cities.version)
  t.equal(other.notModified, false, 'another catalogue\'s ETag is not this one\'s')
  const unknown = await adapter.fetchDictionary(s, account, 'areas', null).catch((e: unknown) => e)
  t.ok(unknown instanceof BoardError && unknown.kind === 'not_found', 'an unknown name is not_found')
})

t.test('quota: featured publications counted in the credentials, spent one by one, refused at zero', async t => {
  const s = session({ accountName: 'x', featuredLeft: 1 })
  t.same(await adapter.availablePublications(s, account), [{ publicationType: 'featured', available: 1 }])
  const posting = { title: 'Engineer', description: '<p>x</p>', fields: { applicants: 0, arrivalsPerSync: 0, moderation: 'approve' }, publicationType: 'featured' }
  await adapter.publish(s, account, posting)
  // the credentials also keep the account's postings (their syncs and expiry): the count is what matters here
  t.match(s.credentials.current(), { accountName: 'x', featuredLeft: 0 })
  t.equal(Object.keys(s.credentials.current().postings ?? {}).length, 1, 'one posting on the account')
  const refused = await adapter.publish(s, account, posting).catch((e: unknown) => e)
  t.ok(refused instanceof BoardError && refused.kind === 'quota', 'none left: quota')
  await adapter.publish(s, account, { ...posting, publicationType: 'standard' })
  t.equal(s.credentials.current().featuredLeft, 0, 'the free type spends nothing')
  t.same(await adapter.availablePublications(session({ accountName: 'installed before quotas' }), account), [{ publicationType: 'featured', available: 2 }], 'an account without a count has the default')
  t.same(await adapter.connect({ featuredPublications: 7 }, 'k'), { accountName: 'Sandbox', featuredLeft: 7 })
})

t.test('the job mapped: location to a city, salary in UAH, employment, work format, skills', async t => {
  const l = await lookup()
  t.same(await adapter.fieldsFromJob(job({ location: ' КИЇВ ', salary: { from: 50000, currency: 'UAH' }, employment: 'part_time', remoteType: 'remote', tags: ['a'.repeat(60), ...Array.from({ length: 25 }, (_, i) => `t${i}`)] }), l), {
    fields: { cityId: 'kyiv', salaryFrom: 50000, employment: 'part', workFormat: 'remote', skills: ['a'.repeat(50), ...Array.from({ length: 19 }, (_, i) => `t${i}`)] },
    problems: []
  })
  t.same((await adapter.fieldsFromJob(job({ location: 'Кам’янське' }), l)).fields, { cityId: 'kamianske' }, 'another apostrophe')
  t.same((await adapter.fieldsFromJob(job({ location: 'Первомайськ, Миколаївська область' }), l)).fields, { cityId: 'pervomaisk-mk' }, 'narrowed by the oblast')
  t.same((await adapter.fieldsFromJob(job({ location: 'Odessa' }), l)).fields, { cityId: 'odesa' }, 'an English name')
  t.same(await adapter.fieldsFromJob(job(), l), { fields: {}, problems: [] }, 'nothing to map')
  t.same(await adapter.fieldsFromJob(job({ location: '   ' }), l), { fields: {}, problems: [] }, 'a blank location is none')

  const ambiguous = await adapter.fieldsFromJob(job({ location: 'Первомайськ, Марс' }), l)
  t.match(ambiguous.problems, [{ pointer: '/location', candidates: [{ id: 'pervomaisk-mk' }, { id: 'pervomaisk-lh' }], fields: ['cityId'] }], 'an oblast it does not know narrows nothing')
  const salary = await adapter.fieldsFromJob(job({ salary: { from: 1000, to: 2000, currency: 'USD' } }), l)
  t.match(salary, { fields: {}, problems: [{ pointer: '/salary', detail: /UAH only, not USD/ }] })
})

t.test('the payload a publish would send', async t => {
  t.same(adapter.previewPayload({ title: 'T', description: 'D', publicationType: 'standard', fields: { cityId: 'nowhere', applicants: 1 } }), {
    title: 'T', description_html: 'D', publication_type: 'standard', city: { id: 'nowhere', name: null }, category_id: null, salary: null,
    employment: null, work_format: null, skills: [], simulation: { applicants: 1, arrivals_per_sync: undefined, moderation: undefined }
  })
})
