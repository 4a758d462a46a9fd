// Publishing on HeadHunter against the HeadHunter fake (no database): quota, POST /vacancies with
// our fields in hh's wire names, moderation states, edits, archive, and hh's refusals mapped to
// BoardError kinds with our field names. Every request is checked against hh's OpenAPI spec.
import t from 'tap'
import type { AccountSession, BoardAccount, CredentialStore, PostingInput } from '../../src/boards/types.js'
import { createHeadHunterAdapter, type HeadHunterCredentials } from '../../src/boards/headhunter/adapter.js'
import { type EmployerAccountSeed } from '../fakes/headhunter/index.js'
import { memoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }


async function setup (t: Teardown, env: Record<string, string> = {}) {
  const { fake, adapter, log, logs: logLines, requestsTo } = await adapterHarness(t, 'headhunter', { env: { BOARD_MAX_RETRIES: '2', ...env }, create: createHeadHunterAdapter })

  /** an installed employer account, as the service holds it: a session and the checked BoardAccount */
  async function install (seed: EmployerAccountSeed = {}) {
    const hh = fake.addEmployerAccount(seed)
    const store = memoryStore(await adapter.connect({ code: fake.issueAuthCode(hh.key) }, `install:${hh.key}`))
    const session: AccountSession<HeadHunterCredentials> = { key: hh.key, credentials: store, log }
    const account: BoardAccount = await adapter.checkAccount(session)
    return { hh, store, session, account }
  }

  return { fake, adapter, install, requestsTo, logLines }
}

let serial = 0
const DESCRIPTION = '<p>Мы ищем backend-разработчика в команду платформы.</p><ul><li>Node.js и TypeScript каждый день</li><li>PostgreSQL, очереди, интеграции с внешними API</li></ul><p>Удалённо или в офисе в Москве, гибкий график, оплачиваемое обучение и конференции.</p>'

/** a posting with a title of its own (hh refuses a second active vacancy with the same title in an area) */
function posting (overrides: Partial<PostingInput> = {}, fields: Record<string, unknown> = {}): PostingInput {
  return {
    title: `Backend-разработчик (Node.js) №${++serial}`,
    description: DESCRIPTION,
    fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96', ...fields },
    publicationType: 'standard',
    ...overrides
  }
}

t.test('publications left per billing type, from the manager\'s available_types', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { hh, session, account } = await install()
  fake.setAvailable(hh.key, 'standard', 7)
  fake.setAvailable(hh.key, 'premium', 3)
  t.same(await adapter.availablePublications(session, account), [
    { publicationType: 'free', available: 10 },
    { publicationType: 'standard', available: 7 },
    { publicationType: 'standard_plus', available: 0 }, // not offered to this employer at all
    { publicationType: 'premium', available: 3 }
  ])
  t.ok(requestsTo(new RegExp(`^GET /employers/${hh.employerId}/managers/${hh.managerId}/vacancies/available_types$`)).length >= 1)
})

t.test('publish: hh receives every field in its wire names; pending review until approved, then live', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { hh, session, account } = await install({ managers: [{ name: 'Пётр Рекрутеров' }] })
  fake.setAvailable(hh.key, 'premium', 2)
  const input = posting({ publicationType: 'premium' }, {
    areaId: '115',
    vacancyType: 'closed',
    billingType: 'free', // the publication type wins
    professionalRoleId: '96',
    experienceId: 'between1And3',
    employmentFormId: 'FULL',
    workFormatIds: ['REMOTE', 'HYBRID'],
    workScheduleByDaysIds: ['FIVE_ON_TWO_OFF'],
    workingHoursIds: ['HOURS_4'],
    salary: { from: 150000, to: 250000, currency: 'RUR', gross: false },
    keySkills: ['TypeScript', 'PostgreSQL'],
    addressId: '42',
    managerId: hh.managerIds[1],
    code: 'BE-7',
    responseLetterRequired: true,
    acceptHandicapped: true,
    acceptKids: false,
    acceptTemporary: true,
    acceptIncompleteResumes: false
  })

  const ref = await adapter.publish(session, account, input)
  const posts = requestsTo(/^POST \/vacancies$/)
  t.equal(posts.length, 1)
  t.equal(posts[0]!.headers['content-type'], 'application/json')
  t.equal(posts[0]!.query.toString(), '', 'no ignore_duplicates: hh is to say when it has this vacancy')
  t.same(posts[0]!.body, {
    name: input.title,
    description: DESCRIPTION,
    area: { id: '115' },
    type: { id: 'closed' },
    billing_type: { id: 'premium' },
    professional_roles: [{ id: '96' }],
    manager: { id: hh.managerIds[1] },
    experience: { id: 'between1And3' },
    salary_range: { from: 150000, to: 250000, currency: 'RUR', gross: false, mode: { id: 'MONTH' } },
    key_skills: [{ name: 'TypeScript' }, { name: 'PostgreSQL' }],
    address: { id: '42' },
    code: 'BE-7',
    response_letter_required: true,
    accept_handicapped: true,
    accept_kids: false,
    accept_temporary: true,
    accept_incomplete_resumes: false,
    // hh's current fields, not the deprecated employment and schedule
    employment_form: { id: 'FULL' },
    work_format: [{ id: 'REMOTE' }, { id: 'HYBRID' }],
    work_schedule_by_days: [{ id: 'FIVE_ON_TWO_OFF' }],
    working_hours: [{ id: 'HOURS_4' }]
  })
  t.same(fake.violations, [], 'the request fits hh\'s spec (VacancyCreate), nothing deprecated in it')

  const vacancy = fake.vacancies.get(ref.externalId)!
  t.ok(vacancy, 'hh has it under the id we returned')
  t.equal(vacancy.managerId, hh.managerIds[1], 'owned by the chosen recruiter')
  t.same(ref, { externalId: vacancy.id, url: `https://hh.ru/vacancy/${vacancy.id}`, state: 'pending_review' })
  t.match(await adapter.availablePublications(session, account), [{}, {}, {}, { publicationType: 'premium', available: 1 }], 'one premium publication spent')

  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'pending_review', url: `https://hh.ru/vacancy/${vacancy.id}`, reason: null })
  fake.approveVacancy(ref.externalId)
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'live', url: `https://hh.ru/vacancy/${vacancy.id}`, reason: null })
})

t.test('billing type: the publication type, else fields.billingType, else refused before hh is asked', async t => {
  const { adapter, install, requestsTo } = await setup(t)
  const { session, account } = await install()
  await adapter.publish(session, account, posting({ publicationType: null }, { billingType: 'free' }))
  t.match(requestsTo(/^POST \/vacancies$/).at(-1)!.body, { billing_type: { id: 'free' } })

  await t.rejects(adapter.publish(session, account, posting({ publicationType: null })), { name: 'BoardError', kind: 'rejected', field: 'billingType', message: /needs a billing type/ })
  await t.rejects(adapter.publish(session, account, posting({ publicationType: 'gold' })), { name: 'BoardError', kind: 'rejected', field: 'publicationType', message: /no publication type "gold"/ })
  await t.rejects(adapter.publish(session, account, posting({}, { areaId: 'Москва' })), { name: 'BoardError', kind: 'rejected', field: 'areaId' })
  t.equal(requestsTo(/^POST \/vacancies$/).length, 1, 'nothing more reached hh')
})

t.test('a vacancy moderation refuses reads as rejected, with a reason', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  fake.rejectVacancy(ref.externalId)
  const status = await adapter.getPosting(session, account, ref.externalId)
  t.equal(status.state, 'rejected')
  t.match(status.reason, /moderation did not approve/)
  t.equal(status.url, `https://hh.ru/vacancy/${ref.externalId}`)
})

t.test('a vacancy removed on hh, or another employer\'s, is not_found', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  const other = await install({ employerName: 'ООО «Чужие»' })
  await t.rejects(adapter.getPosting(other.session, other.account, ref.externalId), { name: 'BoardError', kind: 'not_found' }, 'hh shows it publicly, but it is not theirs')
  await t.rejects(adapter.update(other.session, other.account, ref.externalId, posting()), { name: 'BoardError', kind: 'not_found' })
  await t.rejects(adapter.archive(other.session, other.account, ref.externalId), { name: 'BoardError', kind: 'not_found' })
  t.equal(fake.vacancies.get(ref.externalId)!.archived, false)

  fake.removeVacancy(ref.externalId)
  await t.rejects(adapter.getPosting(session, account, ref.externalId), { name: 'BoardError', kind: 'not_found', boardStatus: 404, message: new RegExp(`no vacancy ${ref.externalId}`) })
  await t.rejects(adapter.update(session, account, ref.externalId, posting()), { name: 'BoardError', kind: 'not_found' })
  await t.rejects(adapter.archive(session, account, ref.externalId), { name: 'BoardError', kind: 'not_found' })
})

t.test('update pushes title, description and fields; billing type in a request of its own', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account } = await install()
  const first = posting({}, { salary: { from: 100000, currency: 'RUR', gross: true }, keySkills: ['Go'], code: 'X-1' })
  const ref = await adapter.publish(session, account, first)
  fake.approveVacancy(ref.externalId)

  // a new title is another vacancy to hh (`replacement`): refused, saying how to go ahead
  const retitled = posting({ title: `${first.title} (senior)`, description: `${DESCRIPTION}<p>Senior.</p>` }, { experienceId: 'moreThan6', acceptKids: true })
  await t.rejects(adapter.update(session, account, ref.externalId, retitled), { name: 'BoardError', kind: 'rejected', field: 'ignoreReplacementWarning', boardStatus: 403, message: /replacement.*fields\.ignoreReplacementWarning: true/ })
  t.equal(fake.vacancies.get(ref.externalId)!.fields.name, first.title, 'nothing changed on hh')

  const edited = posting({ title: retitled.title, description: retitled.description }, { experienceId: 'moreThan6', acceptKids: true, ignoreReplacementWarning: true })
  await adapter.update(session, account, ref.externalId, edited)
  const puts = requestsTo(new RegExp(`^PUT /vacancies/${ref.externalId}$`)).slice(1)
  t.equal(puts.length, 1, 'same billing type: no second request')
  t.equal(puts[0]!.query.get('ignore_replacement_warning'), 'true', 'the host\'s go-ahead sent along')
  t.same(puts[0]!.body, {
    name: edited.title,
    description: edited.description,
    professional_roles: [{ id: '96' }],
    experience: { id: 'moreThan6' },
    // what the publication no longer has is cleared on hh
    employment_form: null,
    work_format: [],
    work_schedule_by_days: [],
    working_hours: [],
    custom_employer_name: null,
    response_url: null,
    salary_range: null,
    key_skills: [],
    address: null,
    code: null,
    response_letter_required: false,
    accept_handicapped: false,
    accept_kids: true,
    accept_temporary: false,
    accept_incomplete_resumes: false
  })
  const fields = fake.vacancies.get(ref.externalId)!.fields
  t.equal(fields.name, edited.title)
  t.equal(fields.description, edited.description)
  t.same(fields.experience, { id: 'moreThan6' })
  t.equal(fields.salary_range, null)

  await adapter.update(session, account, ref.externalId, { ...edited, publicationType: 'premium' })
  t.same(requestsTo(new RegExp(`^PUT /vacancies/${ref.externalId}$`)).slice(1).map(r => r.body).at(-1), { billing_type: { id: 'premium' } })
  t.same(fake.vacancies.get(ref.externalId)!.fields.billing_type, { id: 'premium' })

  const puts0 = requestsTo(/^PUT /).length
  await t.rejects(adapter.update(session, account, ref.externalId, posting({ title: edited.title }, { areaId: '2' })), { name: 'BoardError', kind: 'rejected', field: 'areaId', message: /another area/ })
  t.equal(requestsTo(/^PUT /).length, puts0, 'nothing sent when hh could not take it')
})

t.test('hh refusing an edit names our field', async t => {
  const { adapter, install } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  await t.rejects(adapter.update(session, account, ref.externalId, posting({ description: '<p>Коротко.</p>' })), { name: 'BoardError', kind: 'rejected', field: 'description', boardStatus: 400 })
})

t.test('archive, then the posting is archived and no longer editable', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { hh, session, account } = await install()
  const input = posting()
  const ref = await adapter.publish(session, account, input)
  fake.approveVacancy(ref.externalId)
  await adapter.archive(session, account, ref.externalId)
  t.equal(requestsTo(new RegExp(`^PUT /employers/${hh.employerId}/vacancies/archived/${ref.externalId}$`)).length, 1)
  t.equal(fake.vacancies.get(ref.externalId)!.archived, true)
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'archived', url: `https://hh.ru/vacancy/${ref.externalId}`, reason: null })
  await t.rejects(adapter.update(session, account, ref.externalId, input), { name: 'BoardError', kind: 'rejected', message: /archived vacancy/ })
  await adapter.archive(session, account, ref.externalId) // again: hh answers 204
})

t.test('no publication left of the type is quota; nothing is created', async t => {
  const { fake, adapter, install } = await setup(t)
  const { hh, session, account } = await install()
  fake.setAvailable(hh.key, 'standard', 0)
  await t.rejects(adapter.publish(session, account, posting()), { name: 'BoardError', kind: 'quota', boardStatus: 403, message: /not_enough_purchased_services/ })
  fake.setAvailable(hh.key, 'premium', null)
  await t.rejects(adapter.publish(session, account, posting({ publicationType: 'premium' })), { name: 'BoardError', kind: 'quota' })
  fake.setManagerQuota(hh.key, 'free', 0)
  await t.rejects(adapter.publish(session, account, posting({ publicationType: 'free' })), { name: 'BoardError', kind: 'quota', message: /quota_exceeded/ })
  t.equal(fake.vacancies.size, 0)
})

t.test('hh already has this vacancy: duplicate, naming it', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account } = await install()
  const input = posting()
  const ref = await adapter.publish(session, account, input)
  await t.rejects(adapter.publish(session, account, input), { name: 'BoardError', kind: 'duplicate', boardStatus: 403, message: new RegExp(ref.externalId) })
  t.equal(fake.vacancies.size, 1)
})

t.test('a description too short for hh is rejected on our field "description"', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account } = await install()
  const error = await adapter.publish(session, account, posting({ description: '<p>Ищем разработчика.</p>' })).catch((e: unknown) => e)
  t.match(error, { name: 'BoardError', kind: 'rejected', field: 'description', boardStatus: 400, message: /description is too short/ })
  t.equal(fake.vacancies.size, 0)
})

t.test('an area that is not a leaf (a country) is rejected on our field "areaId"', async t => {
  const { adapter, install } = await setup(t)
  const { session, account } = await install()
  await t.rejects(adapter.publish(session, account, posting({}, { areaId: '113' })), { name: 'BoardError', kind: 'rejected', field: 'areaId', boardStatus: 400, message: /areaId must be an existing city.*\/area\/id/ })
})

t.test('a 5xx during publish is unavailable, and the POST is never resent', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/vacancies$/, status: 503, times: 5 })
  await t.rejects(adapter.publish(session, account, posting()), { name: 'BoardError', kind: 'unavailable', boardStatus: 503, message: /may exist there/ })
  t.equal(requestsTo(/^POST \/vacancies$/).length, 1, 'exactly one POST reached hh')
})

t.test('no answer during publish is timeout, without a second POST', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t, { BOARD_TIMEOUT_MS: '200' })
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/vacancies$/, mode: 'timeout' })
  await t.rejects(adapter.publish(session, account, posting()), { name: 'BoardError', kind: 'timeout' })
  t.equal(requestsTo(/^POST \/vacancies$/).length, 1)
})

t.test('an access token that expired before publishing is renewed once; one vacancy', async t => {
  const { fake, adapter, install, requestsTo, logLines } = await setup(t)
  const { hh, session, account, store } = await install()
  const old = store.current()
  fake.expireAccessTokens(hh.key)
  const ref = await adapter.publish(session, account, posting())
  t.equal(fake.refreshCount, 1)
  t.equal(store.writes, 1)
  t.equal(fake.vacancies.size, 1)
  t.ok(fake.vacancies.has(ref.externalId))
  t.equal(requestsTo(/^POST \/vacancies$/).length, 2, 'the first was refused with 403 token_expired, so nothing was created by it')
  const logs = logLines.join('\n')
  for (const token of [old.accessToken, old.refreshToken, store.current().accessToken, store.current().refreshToken]) t.notOk(logs.includes(token), 'no token in the logs')
})

t.test('postingIdFrom: hh vacancy links and bare ids; anything else is null', async t => {
  const { adapter } = await setup(t)
  const cases: Array<[string, string | null]> = [
    ['123456', '123456'],
    [' 123456 ', '123456'],
    ['https://hh.ru/vacancy/123456', '123456'],
    ['https://hh.ru/vacancy/123456/', '123456'],
    ['https://hh.ru/vacancy/123456?from=employer_vacancies&hhtmFrom=x#top', '123456'],
    ['http://www.hh.ru/vacancy/7', '7'],
    ['https://spb.hh.ru/vacancy/98765', '98765'],
    ['https://hh.kz/vacancy/555', '555'],
    ['https://almaty.hh.kz/vacancy/556', '556'],
    ['https://hh.uz/vacancy/777', '777'],
    ['hh.ru/vacancy/888', '888'],
    ['https://api.hh.ru/vacancies/999', '999'],
    ['https://hh.ru/employer/123456', null],
    ['https://hh.ru/vacancy/abc', null],
    ['https://hh.ru.evil.example/vacancy/1', null],
    ['https://evil.example/hh.ru/vacancy/1', null],
    ['https://nothh.ru/vacancy/1', null],
    ['ftp://hh.ru/vacancy/1', null],
    ['javascript:alert(1)', null],
    ['vacancy 123', null],
    ['', null],
    ['-1', null]
  ]
  for (const [input, id] of cases) t.equal(adapter.postingIdFrom(input), id, JSON.stringify(input))
})
