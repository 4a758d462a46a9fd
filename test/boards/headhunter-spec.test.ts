// HeadHunter as its published spec is today, against the HeadHunter fake (no database): the fake
// refuses what the spec deprecates and checks its own replies; a sync costs what is new (requests
// counted over 2,000 stored responses); openResumes off opens no resume (nothing marked viewed);
// employer_integration tokens; revoking the token; the catalogues; anonymous and direct vacancies.
import t from 'tap'
import { request } from 'undici'
import type { AccountSession, BoardAccount, ResponsePage } from '../../src/boards/types.js'
import { createHeadHunterAdapter, type HeadHunterCredentials } from '../../src/boards/headhunter/adapter.js'
import { checkResponseAgainstSpec } from '../fakes/headhunter/spec.js'
import { memoryStore, type MemoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const DESCRIPTION = '<p>Мы ищем backend-разработчика в команду платформы.</p><ul><li>Node.js и TypeScript каждый день</li><li>PostgreSQL, очереди, интеграции с внешними API</li></ul><p>Удалённо или в офисе в Москве, гибкий график, оплачиваемое обучение и конференции.</p>'

async function setup (t: Teardown, fakeOptions: Record<string, unknown> = {}) {
  const { fake, config, adapter, log, requestsTo } = await adapterHarness(t, 'headhunter', {
    env: { BOARD_MAX_RETRIES: '2' },
    fake: fakeOptions,
    create: deps => createHeadHunterAdapter(deps)
  })
  async function install (seed: { integration?: boolean } = {}, options?: Record<string, unknown>) {
    const hh = fake.addEmployerAccount(seed)
    const store: MemoryStore<HeadHunterCredentials> = memoryStore(await adapter.connect({ code: fake.issueAuthCode(hh.key) }, `install:${hh.key}`))
    const session: AccountSession<HeadHunterCredentials> = { key: hh.key, credentials: store, log, ...(options === undefined ? {} : { options }) }
    const account: BoardAccount = await adapter.checkAccount(session)
    return { hh, store, session, account }
  }
  async function vacancy (session: AccountSession<HeadHunterCredentials>, account: BoardAccount): Promise<string> {
    return (await adapter.publish(session, account, { title: `Backend ${Math.random()}`, description: DESCRIPTION, fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' }, publicationType: 'free' })).externalId
  }
  const ua = config.boards.settings.headhunter.HH_USER_AGENT
  return { fake, adapter, install, vacancy, requestsTo, ua }
}

async function drain (pages: AsyncIterable<ResponsePage>): Promise<ResponsePage[]> {
  const all: ResponsePage[] = []
  for await (const page of pages) all.push(page)
  return all
}
const idsOf = (pages: ResponsePage[]): string[] => pages.flatMap(p => p.items.map(i => i.externalId))

t.test('the fake refuses what the spec deprecates, unless a test opts in', async t => {
  const { fake, ua } = await setup(t)
  const account = fake.addEmployerAccount()
  const form = (code: string) => ({ method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded', 'hh-user-agent': ua }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: fake.clientId, client_secret: fake.clientSecret, code, redirect_uri: fake.redirectUri ?? '' }).toString() })
  const old = await request(`${fake.apiUrl}/oauth/token`, form(fake.issueAuthCode(account.key)))
  t.equal(old.statusCode, 400)
  t.match(await old.body.json(), { errors: [{ type: 'spec_violation', value: /outdated in hh's spec; use POST \/token/ }] })
  t.equal(fake.violations.length, 1)
  const current = await request(`${fake.apiUrl}/token`, form(fake.issueAuthCode(account.key)))
  t.equal(current.statusCode, 200)
  const { access_token: token } = await current.body.json() as { access_token: string }

  // a body field marked deprecated: true (VacancyCreate.employment)
  const res = await request(`${fake.apiUrl}/vacancies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'hh-user-agent': ua },
    body: JSON.stringify({ name: 'X', description: DESCRIPTION, area: { id: '1' }, type: { id: 'open' }, billing_type: { id: 'free' }, professional_roles: [{ id: '96' }], employment: { id: 'full' } })
  })
  t.equal(res.statusCode, 400)
  t.match(await res.body.json(), { errors: [{ type: 'spec_violation', value: /body field \/employment is deprecated/ }] })
  fake.violations.length = 0 // seen: not this test's failure

  const lenient = await setup(t, { allowDeprecated: true })
  const other = lenient.fake.addEmployerAccount()
  const allowed = await request(`${lenient.fake.apiUrl}/oauth/token`, {
    ...form(''),
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: lenient.fake.clientId, client_secret: lenient.fake.clientSecret, code: lenient.fake.issueAuthCode(other.key), redirect_uri: lenient.fake.redirectUri ?? '' }).toString()
  })
  t.equal(allowed.statusCode, 200, 'allowDeprecated: the old token path works')
})

t.test('the fake\'s replies are checked against the spec\'s response schemas', async t => {
  t.same(checkResponseAgainstSpec({ method: 'GET', path: '/negotiations/response', status: 200, body: { items: [], found: 0, page: 0, pages: 0, per_page: 20, ordered_by: { id: 'last_change_time_except_employer_inbox', name: 'x' } } }), [])
  t.not(checkResponseAgainstSpec({ method: 'GET', path: '/negotiations/response', status: 200, body: { items: 'none', found: 0, page: 0, pages: 0, per_page: 20 } }).length, 0, 'a reply the spec does not allow is caught')
  t.not(checkResponseAgainstSpec({ method: 'GET', path: '/me', status: 418, body: {} }).length, 0, 'an undocumented status too')
})

t.test('a sync costs what is new: hh requests for 0, 10 and 100 new responses over 2,000 stored', async t => {
  const { fake, adapter, install, vacancy } = await setup(t)
  const { session, account } = await install()
  const vacancyId = await vacancy(session, account)
  const day = 86_400_000
  fake.addResponses(vacancyId, Array.from({ length: 2000 }, (_, k) => ({ createdAt: new Date(Date.now() - 3 * day + k * 1000), coverLetter: null, hiddenResume: false })))
  let cursor = (await drain(adapter.pageThroughResponses(session, account, vacancyId, null))).at(-1)!.cursor
  const counted = async (fresh: number): Promise<{ requests: number, got: number }> => {
    // new responses come after the last run (the fake would otherwise date a batch back a second each)
    const after = Date.now()
    const seeded = fake.addResponses(vacancyId, Array.from({ length: fresh }, (_, k) => ({ createdAt: new Date(after + k), coverLetter: 'Здравствуйте', hiddenResume: false })))
    const before = fake.server.requests.length
    const pages = await drain(adapter.pageThroughResponses(session, account, vacancyId, cursor))
    cursor = pages.at(-1)!.cursor
    t.same(idsOf(pages).sort(), seeded.map(r => r.negotiationId).sort(), `${fresh} new: exactly the new ones`)
    return { requests: fake.server.requests.length - before, got: idsOf(pages).length }
  }
  const none = await counted(0)
  const ten = await counted(10)
  const hundred = await counted(100)
  t.comment(`hh requests per run over 2,000 stored: ${none.requests} (0 new), ${ten.requests} (10 new), ${hundred.requests} (100 new)`)
  // the collection list, the pages down to the first known response, and per new one its resume and letter
  t.equal(none.requests, 2, '0 new: the collection list and one page')
  t.equal(ten.requests, 2 + 10 * 2, '10 new: one page, a resume and a letter each')
  t.equal(hundred.requests, 1 + 3 + 100 * 2, '100 new: three pages of 50, a resume and a letter each')
})

t.test('openResumes off: only what the response list gives; nothing marked viewed on hh', async t => {
  const { fake, adapter, install, vacancy, requestsTo } = await setup(t)
  const { session, account } = await install({}, { openResumes: false })
  const vacancyId = await vacancy(session, account)
  const seeded = fake.addResponses(vacancyId, [{ firstName: 'Олена', lastName: 'Коваленко', email: 'olena@example.com', hiddenResume: false, coverLetter: 'Добрий день' }])
  const [app] = (await drain(adapter.pageThroughResponses(session, account, vacancyId, null))).flatMap(p => p.items)
  t.equal(requestsTo(/^GET \/resumes\//).length, 0, 'no resume opened')
  t.notOk(fake.viewedByEmployer(seeded[0]!.negotiationId), 'hh does not show the applicant a view')
  t.match(app, { firstName: 'Олена', lastName: 'Коваленко', emails: [], phones: [], coverLetter: 'Добрий день', resumeText: null })
})

t.test('an employer_integration token (its /me has no manager) is accepted', async t => {
  const { adapter, install } = await setup(t)
  const { hh, session, account } = await install({ integration: true })
  t.match(account, { externalId: hh.employerId })
  t.ok((await adapter.listRecruiters(session, account)).length > 0, 'the employer\'s managers')
  t.same((await adapter.availablePublications(session, account)).map(q => q.available), [null, null, null, null], 'hh counts per manager: not counted')
})

t.test('revoke: DELETE /oauth/token, after which hh takes neither token', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session } = await install()
  await adapter.revoke!(session)
  t.equal(requestsTo(/^DELETE \/oauth\/token$/).length, 1)
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'invalid_credentials' })
  fake.expireAccessTokens()
  await t.rejects(adapter.checkAccount(session), { name: 'BoardError', kind: 'invalid_credentials' }, 'nor does its refresh token renew it')
  await adapter.revoke!(session) // a token hh no longer takes is revoked already: no error
})

t.test('the catalogues: areas as a tree, roles, the field dictionaries of GET /dictionaries', async t => {
  const { adapter, install } = await setup(t)
  const { session, account } = await install()
  t.same(adapter.dictionaries.map(d => d.name), ['areas', 'professional_roles', 'experience', 'employment_form', 'work_format', 'work_schedule_by_days', 'working_hours', 'addresses', 'managers'])
  t.same(adapter.dictionaries.filter(d => d.scope === 'account').map(d => d.name), ['addresses', 'managers'], 'the account\'s own')
  const areas = await adapter.fetchDictionary(session, account, 'areas', null)
  t.match(areas, { notModified: false })
  const items = 'items' in areas ? areas.items : []
  t.match(items.find(i => i.id === '115'), { name: 'Киев', parentId: '5' })
  t.match(items.find(i => i.id === '5'), { parentId: null })
  const forms = await adapter.fetchDictionary(session, account, 'employment_form', null)
  t.same('items' in forms ? forms.items.map(i => i.id) : [], ['FULL', 'PART', 'PROJECT', 'FLY_IN_FLY_OUT'], 'as the spec\'s example has them')
  await t.rejects(adapter.fetchDictionary(session, account, 'schedule', null), { name: 'BoardError', kind: 'not_found' }, 'no deprecated dictionary')
  const x = adapter.publicationFields.properties as Record<string, Record<string, unknown>>
  t.equal(x.areaId!['x-dictionary'], 'areas')
  t.equal((x.workFormatIds!.items as Record<string, unknown>)['x-dictionary'], 'work_format')
})

t.test('anonymous and direct vacancies with their extra fields', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account } = await install()
  const base = { title: `Аналитик ${Math.random()}`, description: DESCRIPTION, publicationType: 'free' }
  await t.rejects(adapter.publish(session, account, { ...base, fields: { areaId: '1', vacancyType: 'anonymous', professionalRoleId: '96' } }), { name: 'BoardError', kind: 'rejected', field: 'customEmployerName' })
  await t.rejects(adapter.publish(session, account, { ...base, fields: { areaId: '1', vacancyType: 'direct', professionalRoleId: '96' } }), { name: 'BoardError', kind: 'rejected', field: 'responseUrl' })
  const anon = await adapter.publish(session, account, { ...base, fields: { areaId: '1', vacancyType: 'anonymous', professionalRoleId: '96', customEmployerName: 'крупный банк' } })
  t.equal(fake.vacancies.get(anon.externalId)!.fields.custom_employer_name, 'крупный банк')
  const direct = await adapter.publish(session, account, { ...base, title: `${base.title} 2`, fields: { areaId: '1', vacancyType: 'direct', professionalRoleId: '96', responseUrl: 'https://jobs.example/apply' } })
  t.equal(fake.vacancies.get(direct.externalId)!.fields.response_url, 'https://jobs.example/apply')
})
