// Publishing through the Work.ua adapter against the Work.ua fake (no database): the quota, a job
// created live with PHP-style form keys, moderation, edits, closing, Work.ua's refusals named by our
// field names, and a board that fails in the middle of a create without a second job being made.
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, CredentialStore, PostingInput } from '../../src/boards/types.js'
import { createWorkuaAdapter, type WorkuaCredentials, type WorkuaFields } from '../../src/boards/workua/adapter.js'
import type { WorkuaFakeOptions } from '../fakes/workua.js'
import { memoryStore } from '../helpers/credential-store.js'
import { boardFailure } from '../helpers/board-errors.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })


/** every password the tests hand out: no error may show one */
const secrets = new Set<string>()
let passwords = 0
const secretPassword = (): string => { const password = `wua-PUB-SECRET-${++passwords}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(password); return password }

const failure = async (t: Test, promise: Promise<unknown>): Promise<BoardError> => await boardFailure(t, promise, secrets)

/** an instant as ISO 8601 with Kyiv's offset */
const KYIV_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+0[23]:00$/

const fullFields: WorkuaFields = { regionId: 5, categoryIds: [1, 8], jobtypeIds: [74, 76], experienceId: 2, salary: 30000 }
const posting = (overrides: Partial<PostingInput> = {}): PostingInput => ({
  title: 'Бариста',
  description: '<p>Готуємо каву &amp; <b>усміхаємося</b>.</p><ul><li>графік 2/2</li></ul>',
  fields: { ...fullFields },
  publicationType: 'standart_job',
  ...overrides
})

async function setup (t: Teardown, fakeOptions: WorkuaFakeOptions = {}) {
  const { fake, adapter, requestsTo } = await adapterHarness(t, 'workua', {
    fake: { password: secretPassword(), ...fakeOptions },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' },
    create: createWorkuaAdapter
  })

  const sessionOf = (login: string, password: string): AccountSession<WorkuaCredentials> =>
    ({ key: `workua:${login}`, credentials: memoryStore({ login, password }), log: silent })
  const session = sessionOf(fake.defaultLogin, fake.defaultPassword)
  const account: BoardAccount = { externalId: fake.defaultLogin, name: fake.defaultLogin, email: fake.defaultLogin }
  /** the form pairs a request carried, in order, as Work.ua's PHP reads them */
  const pairsOf = (raw: string): Array<[string, string]> => [...new URLSearchParams(raw)]

  return { fake, adapter, session, account, sessionOf, requestsTo, pairsOf }
}

t.test('publish creates the job live on Work.ua with the PHP-style form', async t => {
  const { fake, adapter, session, account, requestsTo, pairsOf } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  t.match(ref, { externalId: /^\d+$/, state: 'pending_review' }, 'Work.ua moderates every publication')
  t.equal(ref.url, `https://www.work.ua/jobs/${ref.externalId}/`)

  const creates = requestsTo(/^POST \/jobs$/)
  t.equal(creates.length, 1, 'one create')
  const [create] = creates
  t.match(create!.headers, { 'content-type': 'application/x-www-form-urlencoded', accept: /application\/json/, 'x-locale': 'uk_UA' })
  t.same(pairsOf(create!.rawBody), [
    ['name', 'Бариста'],
    ['description', posting().description],
    ['region[id]', '5'],
    ['category[][id]', '1'],
    ['category[][id]', '8'],
    ['jobtype[][id]', '74'],
    ['jobtype[][id]', '76'],
    ['experience[id]', '2'],
    ['salary[value]', '30000'],
    ['publication', 'standart_job']
  ], 'every field under its PHP key, lists as repeated key[][id]')
  t.match(create!.rawBody, /&category%5B%5D%5Bid%5D=1&category%5B%5D%5Bid%5D=8&/, 'brackets urlencoded, empty index kept (not category[0][id])')
  t.notMatch(create!.rawBody, /%5B0%5D/)

  const job = fake.getJob(Number(ref.externalId))
  t.match(job, {
    name: 'Бариста',
    description: posting().description,
    region: { id: 5, name: 'Львів' },
    category: [{ id: 1 }, { id: 8 }],
    jobtype: [{ id: 74 }, { id: 76 }],
    experience: { id: 2 },
    salary: { value: 30000 },
    publication: 'standart_job',
    active: true,
    blocked: true
  }, 'Work.ua holds the job as sent, published and waiting for moderation')
  t.equal(fake.accounts.get(fake.defaultLogin)!.publications.standart_job, 4, 'one paid publication spent')

  t.match(await adapter.getPosting(session, account, ref.externalId), { state: 'pending_review', url: ref.url, reason: null, expiresAt: KYIV_ISO }, 'the state read back right after publishing')
  t.same(requestsTo(/^GET \/jobs\/my$/).map(r => Object.fromEntries(r.query)), [{ id: ref.externalId, all: '1' }], 'state via GET /jobs/my?id=&all=1')
  t.equal(requestsTo(/^GET \/jobs\/\d+$/).length, 0, 'never GET /jobs/{id} (501 on Work.ua)')
})

t.test('optional fields are left out, and no publication type means Work.ua\'s standard one', async t => {
  const { fake, adapter, session, account, requestsTo, pairsOf } = await setup(t)
  const ref = await adapter.publish(session, account, posting({ fields: { regionId: 1, categoryIds: [4], jobtypeIds: [74] }, publicationType: null }))
  t.same(pairsOf(requestsTo(/^POST \/jobs$/)[0]!.rawBody).map(([key]) => key), ['name', 'description', 'region[id]', 'category[][id]', 'jobtype[][id]', 'publication'])
  t.match(fake.getJob(Number(ref.externalId)), { experience: null, salary: null, publication: 'standart_job', active: true })

  const vip = await adapter.publish(session, account, posting({ publicationType: 'vip_job' }))
  t.match(fake.getJob(Number(vip.externalId)), { publication: 'vip_job' })
})

t.test('moderation: pending until Work.ua approves, live after, pending again when blocked', async t => {
  const { fake, adapter, session, account } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  const id = Number(ref.externalId)
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review')
  fake.approveJob(id)
  t.match(await adapter.getPosting(session, account, ref.externalId), { state: 'live', url: `https://www.work.ua/jobs/${id}/`, reason: null, expiresAt: KYIV_ISO })
  // Work.ua's `blocked` is moderation and says nothing more: no reason, no refusal told apart
  fake.blockJob(id)
  t.match(await adapter.getPosting(session, account, ref.externalId), { state: 'pending_review', url: `https://www.work.ua/jobs/${id}/`, reason: null, expiresAt: KYIV_ISO })
})

t.test('a job saved but never published is none, with no public URL', async t => {
  const { fake, adapter, session, account } = await setup(t)
  const draft = fake.addJob({ active: false })
  t.same(await adapter.getPosting(session, account, String(draft.id)), { state: 'none', url: null, reason: null, expiresAt: null })
})

t.test('a job gone from Work.ua, or another account\'s, is not_found', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  fake.deleteJob(Number(ref.externalId))
  t.match(await failure(t, adapter.getPosting(session, account, ref.externalId)), { kind: 'not_found', message: new RegExp(`no job ${ref.externalId}`) })
  t.match(await failure(t, adapter.update(session, account, ref.externalId, posting())), { kind: 'not_found', boardStatus: 404 })
  t.match(await failure(t, adapter.archive(session, account, ref.externalId)), { kind: 'not_found', boardStatus: 404 })

  fake.addAccount({ login: 'other@example.com', password: 'other' })
  const theirs = fake.addJob({}, 'other@example.com')
  t.match(await failure(t, adapter.getPosting(session, account, String(theirs.id))), { kind: 'not_found' })
  t.match(await failure(t, adapter.update(session, account, String(theirs.id), posting())), { kind: 'not_found' })
  t.match(fake.getJob(theirs.id), { name: theirs.name }, 'their job is untouched')

  const before = fake.server.requests.length
  for (const bad of ['', 'abc', '12/close', '../jobs/my', '0']) {
    t.match(await failure(t, adapter.getPosting(session, account, bad)), { kind: 'not_found' }, `"${bad}" is no Work.ua id`)
  }
  t.equal(fake.server.requests.length, before, 'a malformed id never reaches Work.ua')
  t.equal(requestsTo(/^GET \/jobs\/\d+$/).length, 0)
})

t.test('update pushes the edited job to Work.ua without spending a publication', async t => {
  const { fake, adapter, session, account, requestsTo, pairsOf } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  const id = Number(ref.externalId)
  fake.approveJob(id)
  const edited = posting({ title: 'Старший бариста', description: '<p>Нова кава</p>', fields: { regionId: 1, categoryIds: [4], jobtypeIds: [75], experienceId: 3, salary: 35000 } })
  await adapter.update(session, account, ref.externalId, edited)

  const puts = requestsTo(new RegExp(`^PUT /jobs/${id}$`))
  t.equal(puts.length, 1)
  t.same(pairsOf(puts[0]!.rawBody), [
    ['name', 'Старший бариста'],
    ['description', '<p>Нова кава</p>'],
    ['region[id]', '1'],
    ['category[][id]', '4'],
    ['jobtype[][id]', '75'],
    ['experience[id]', '3'],
    ['salary[value]', '35000']
  ], 'same keys as the create, no `publication`')
  t.match(puts[0]!.headers, { 'content-type': 'application/x-www-form-urlencoded' })
  t.match(fake.getJob(id), { name: 'Старший бариста', description: '<p>Нова кава</p>', region: { id: 1 }, category: [{ id: 4 }], jobtype: [{ id: 75 }], experience: { id: 3 }, salary: { value: 35000 }, publication: 'standart_job' })
  t.equal(fake.accounts.get(fake.defaultLogin)!.publications.standart_job, 4, 'the edit spent nothing')
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review', 'Work.ua moderates the edited job again')
})

t.test('archive closes the job on Work.ua, and its state says archived', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  const id = Number(ref.externalId)
  fake.approveJob(id)
  await adapter.archive(session, account, ref.externalId)
  t.equal(requestsTo(new RegExp(`^PUT /jobs/${id}/close$`)).length, 1)
  t.match(fake.getJob(id), { active: false, closed: true })
  t.match(await adapter.getPosting(session, account, ref.externalId), { state: 'archived', url: `https://www.work.ua/jobs/${id}/`, reason: null, expiresAt: KYIV_ISO }, 'found with all=1 although closed')
  await adapter.archive(session, account, ref.externalId)
  t.pass('closing a closed job again is harmless')
})

t.test('the quota is Work.ua\'s count per publication type; none left is quota', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t, { publications: { standart_job: 2, vip_job: 1, hot_job: 0 } })
  t.same(await adapter.availablePublications(session, account), [
    { publicationType: 'standart_job', available: 2 },
    { publicationType: 'vip_job', available: 1 },
    { publicationType: 'hot_job', available: 0 }
  ])
  await adapter.publish(session, account, posting({ publicationType: 'vip_job' }))
  fake.setPublications('standart_job', 7)
  t.same((await adapter.availablePublications(session, account)).map(q => q.available), [7, 0, 0], 'read fresh each time')

  const jobsBefore = fake.jobs.size
  t.match(await failure(t, adapter.publish(session, account, posting({ publicationType: 'hot_job' }))), { kind: 'quota', boardStatus: 403, message: /No paid publications left/ })
  t.match(await failure(t, adapter.publish(session, account, posting({ publicationType: 'vip_job' }))), { kind: 'quota' })
  t.equal(fake.jobs.size, jobsBefore, 'no job made without a publication')
  t.equal(requestsTo(/^POST \/jobs$/).length, 3, 'a quota refusal is not retried')
})

t.test('docs/boards.md\'s bare quota array is read as well', async t => {
  const { fake, adapter, session, account } = await setup(t)
  fake.server.inject({ match: /available-publications/, status: 200, body: [{ id: 'standart_job', total: '3' }] })
  t.same(await adapter.availablePublications(session, account), [
    { publicationType: 'standart_job', available: 3 },
    { publicationType: 'vip_job', available: null },
    { publicationType: 'hot_job', available: null }
  ], 'a type the answer leaves out is unknown (null), not none left')
  fake.server.inject({ match: /available-publications/, status: 200, body: { status: 'ok', items: [{ id: 'standart_job', total: -1 }] } })
  t.match(await failure(t, adapter.availablePublications(session, account)), { kind: 'bad_response' })
})

t.test('a field Work.ua refuses is rejected under our field name', async t => {
  const { fake, adapter, session, account } = await setup(t)
  const jobsBefore = fake.jobs.size
  t.match(await failure(t, adapter.publish(session, account, posting({ fields: { ...fullFields, regionId: 999 } }))),
    { kind: 'rejected', field: 'regionId', boardStatus: 400, message: /Unknown town id "999"/ })
  t.match(await failure(t, adapter.publish(session, account, posting({ fields: { ...fullFields, categoryIds: [1, 999] } }))), { kind: 'rejected', field: 'categoryIds' })
  t.match(await failure(t, adapter.publish(session, account, posting({ fields: { ...fullFields, jobtypeIds: [1] } }))), { kind: 'rejected', field: 'jobtypeIds' })
  t.match(await failure(t, adapter.publish(session, account, posting({ fields: { ...fullFields, experienceId: 99 } }))), { kind: 'rejected', field: 'experienceId' })
  t.match(await failure(t, adapter.publish(session, account, posting({ title: '   ' }))), { kind: 'rejected', field: 'title', message: /Field name is required/ })
  t.match(await failure(t, adapter.publish(session, account, posting({ description: '' }))), { kind: 'rejected', field: 'description' })
  t.equal(fake.jobs.size, jobsBefore, 'no refused publish made a job')

  const ok = await adapter.publish(session, account, posting())
  t.match(await failure(t, adapter.update(session, account, ok.externalId, posting({ fields: { ...fullFields, regionId: 999 } }))), { kind: 'rejected', field: 'regionId' })
  t.match(fake.getJob(Number(ok.externalId)), { region: { id: 5 } }, 'the refused edit changed nothing')
  t.match(await failure(t, adapter.publish(session, account, posting({ publicationType: 'free' }))), { kind: 'rejected', field: undefined, message: /Unknown publication type "free"/ })
})

t.test('a duplicate Work.ua reports is duplicate', async t => {
  const { fake, adapter, session, account } = await setup(t)
  fake.server.inject({ match: /^POST \/jobs$/, status: 409, body: { errors: [{ id: 'duplicate', message: 'This job is already published' }] } })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'duplicate', boardStatus: 409, message: /already published/ })
  fake.server.inject({ match: /^POST \/jobs$/, status: 400, body: { errors: [{ id: 'duplicate_job', message: 'Same job exists' }] } })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'duplicate' })
})

t.test('Work.ua failing during a publish: unavailable, and only one create reached it', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t)
  fake.server.inject({ match: /^POST \/jobs$/, status: 502, body: 'Bad Gateway', times: 5 })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'unavailable', boardStatus: 502 })
  t.equal(requestsTo(/^POST \/jobs$/).length, 1, 'never resent: the board may have created it')
  fake.server.clearFaults()
  t.match(await adapter.publish(session, account, posting()), { state: 'pending_review' }, 'works once Work.ua is back')
})

t.test('Work.ua silent during a publish: timeout, not resent', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t)
  fake.server.inject({ match: /^POST \/jobs$/, mode: 'timeout', times: 5 })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'timeout' })
  t.equal(requestsTo(/^POST \/jobs$/).length, 1)
})

t.test('a create answered without the new id is bad_response that says the job may exist', async t => {
  const { fake, adapter, session, account } = await setup(t)
  fake.server.inject({ match: /^POST \/jobs$/, status: 201, body: { status: 'ok' } })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'bad_response', message: /may have been created/ })
  fake.server.inject({ match: /^GET \/jobs\/my$/, status: 200, body: { status: 'ok', items: [{ id: 5, active: 'yes' }] } })
  t.match(await failure(t, adapter.getPosting(session, account, '5')), { kind: 'bad_response', message: /job 5/ })
})

t.test('credential problems during publishing are the account\'s', async t => {
  const { fake, adapter, account, sessionOf } = await setup(t)
  const wrong = sessionOf(fake.defaultLogin, secretPassword())
  t.match(await failure(t, adapter.publish(wrong, account, posting())), { kind: 'invalid_credentials', isCredentialProblem: true })
  const session = sessionOf(fake.defaultLogin, fake.defaultPassword)
  fake.blockAccount(fake.defaultLogin)
  t.match(await failure(t, adapter.availablePublications(session, account)), { kind: 'account_blocked', isCredentialProblem: true })
})

t.test('postingIdFrom reads Work.ua job links and bare ids', async t => {
  const { adapter } = await setup(t)
  const cases: Array<[string, string | null]> = [
    ['https://www.work.ua/jobs/1234567/', '1234567'],
    ['https://www.work.ua/jobs/1234567', '1234567'],
    ['https://work.ua/jobs/1234567/', '1234567'],
    ['http://www.work.ua/jobs/1234567/?utm_source=tg#apply', '1234567'],
    ['  https://WWW.WORK.UA/jobs/1234567/  ', '1234567'],
    ['www.work.ua/jobs/1234567/', '1234567'],
    ['https://www.work.ua/ru/jobs/1234567/', '1234567'],
    ['https://www.work.ua/en/jobs/1234567/', '1234567'],
    ['https://m.work.ua/jobs/1234567/', '1234567'],
    ['1234567', '1234567'],
    [' 1234567\n', '1234567'],
    ['', null],
    ['abc', null],
    ['0', null],
    ['-5', null],
    ['12.5', null],
    ['https://www.work.ua/jobs/', null],
    ['https://www.work.ua/jobs/kyiv-it/', null],
    ['https://www.work.ua/resumes/1234567/', null],
    ['https://www.work.ua/jobs/1234567/responses/', null],
    ['https://robota.ua/company1/vacancy1234567', null],
    ['https://evilwork.ua/jobs/1234567/', null],
    ['https://www.work.ua.evil.example/jobs/1234567/', null],
    ['ftp://www.work.ua/jobs/1234567/', null],
    ['javascript:alert(1)', null]
  ]
  for (const [input, expected] of cases) t.equal(adapter.postingIdFrom(input), expected, JSON.stringify(input))
})

t.test('the end of a posting: closed is archived, run out is expired, taken down is removed, gone is not_found', async t => {
  const { fake, adapter, session, account } = await setup(t)
  const publishOne = async (): Promise<{ id: number, externalId: string }> => {
    const ref = await adapter.publish(session, account, posting())
    fake.approveJob(Number(ref.externalId))
    return { id: Number(ref.externalId), externalId: ref.externalId }
  }

  const live = await publishOne()
  const shown = await adapter.getPosting(session, account, live.externalId)
  const expires = Date.parse(shown.expiresAt!)
  t.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 5_000, `expiresAt is Work.ua's date_expire (${fake.getJob(live.id)!.date_expire} Kyiv = ${shown.expiresAt})`)

  const ranOut = await publishOne()
  fake.expireJob(ranOut.id)
  t.match(await adapter.getPosting(session, account, ranOut.externalId), { state: 'expired', reason: null, url: `https://www.work.ua/jobs/${ranOut.id}/`, expiresAt: KYIV_ISO })
  t.ok(Date.parse((await adapter.getPosting(session, account, ranOut.externalId)).expiresAt!) <= Date.now(), 'its expiresAt is past')

  const banned = await publishOne()
  fake.banJob(banned.id)
  t.match(await adapter.getPosting(session, account, banned.externalId), { state: 'removed', reason: /moderators took the job down/ })

  const deleted = await publishOne()
  fake.addResponses(deleted.id, 3)
  fake.deleteJob(deleted.id)
  const pages = []
  for await (const page of adapter.pageThroughResponses(session, account, deleted.externalId, null)) pages.push(page)
  t.same(pages.map(p => p.items.length), [0], 'its responses read as none (Work.ua\'s 404 on the list), as documented')
  t.match(await failure(t, adapter.getPosting(session, account, deleted.externalId)), { kind: 'not_found', message: /lists no job/ }, 'but the lookup tells the job is gone')
})

t.test('date_expire tells an expiry from a job taken off: past is expired, ahead or unreadable is archived', async t => {
  const { fake, adapter, session, account } = await setup(t)
  const listing = (dateExpire: string | null): void => {
    fake.server.inject({ match: /^GET \/jobs\/my$/, status: 200, body: { status: 'ok', items: [{ id: 77, active: false, blocked: false, publication: 'standart_job', date_expire: dateExpire }] } })
  }
  listing('2020-01-31 10:00:00')
  t.same(await adapter.getPosting(session, account, '77'), { state: 'expired', url: 'https://www.work.ua/jobs/77/', reason: null, expiresAt: '2020-01-31T10:00:00+02:00' }, 'Kyiv local time, winter offset')
  listing('2020-07-31')
  t.match(await adapter.getPosting(session, account, '77'), { state: 'expired', expiresAt: '2020-07-31T23:59:59+03:00' }, 'a bare day ends with the day')
  listing('2999-01-01 00:00:00')
  t.match(await adapter.getPosting(session, account, '77'), { state: 'archived', expiresAt: '2999-01-01T00:00:00+02:00' }, 'not run out yet: taken off')
  listing('0000-00-00 00:00:00')
  t.match(await adapter.getPosting(session, account, '77'), { state: 'archived', expiresAt: null }, 'PHP\'s zero date is no date')
  listing(null)
  t.match(await adapter.getPosting(session, account, '77'), { state: 'archived', expiresAt: null })
})

t.test('Work.ua\'s listing with string ids and 0/1 flags (as a third-party client saw it) reads the same', async t => {
  const { fake, adapter, session, account } = await setup(t, { phpFlags: true })
  const ref = await adapter.publish(session, account, posting())
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review')
  fake.approveJob(Number(ref.externalId))
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'live')
  fake.banJob(Number(ref.externalId))
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'removed')
  await adapter.archive(session, account, ref.externalId)
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'archived')
  fake.server.inject({ match: /^GET \/jobs\/my$/, status: 200, body: { status: 'ok', items: [{ id: ref.externalId, active: 2, blocked: 0 }] } })
  t.match(await failure(t, adapter.getPosting(session, account, ref.externalId)), { kind: 'bad_response' }, 'a flag that is neither is not guessed')
})

t.test('reactivate puts a closed job back up in place: its current content, one publication spent, moderated again', async t => {
  const { fake, adapter, session, account, requestsTo, pairsOf } = await setup(t)
  const ref = await adapter.publish(session, account, posting())
  const id = Number(ref.externalId)
  fake.approveJob(id)
  await adapter.archive(session, account, ref.externalId)
  t.equal(fake.accounts.get(fake.defaultLogin)!.publications.standart_job, 4)

  const edited = posting({ title: 'Бариста (знову)', fields: { ...fullFields, salary: 32000 }, publicationType: 'vip_job' })
  t.same(await adapter.reactivate(session, account, ref.externalId, edited), { externalId: ref.externalId, url: `https://www.work.ua/jobs/${id}/`, state: 'pending_review' }, 'the same posting')
  const put = requestsTo(new RegExp(`^PUT /jobs/${id}$`)).at(-1)!
  t.same(pairsOf(put.rawBody), [...Object.entries({ name: 'Бариста (знову)', description: edited.description, 'region[id]': '5' }),
    ['category[][id]', '1'], ['category[][id]', '8'], ['jobtype[][id]', '74'], ['jobtype[][id]', '76'],
    ['experience[id]', '2'], ['salary[value]', '32000'], ['publication', 'vip_job']], 'the job\'s form, with the publication type that publishes it')
  t.equal(fake.accounts.get(fake.defaultLogin)!.publications.vip_job, 0, 'one publication of the type spent, as a publish')
  t.match(fake.getJob(id), { name: 'Бариста (знову)', active: true, blocked: true, closed: false, publication: 'vip_job' })
  t.equal(fake.jobs.size, 1, 'no new job')
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'pending_review')
  fake.approveJob(id)
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'live')

  const ranOut = await adapter.publish(session, account, posting())
  fake.expireJob(Number(ranOut.externalId))
  t.match(await adapter.reactivate(session, account, ranOut.externalId, posting()), { state: 'pending_review' }, 'an expired job comes back the same way')
  t.equal((await adapter.getPosting(session, account, ranOut.externalId)).state, 'pending_review')
})

t.test('reactivate refused: no publication left is quota, a job taken down is rejected, a job gone is not_found; never resent', async t => {
  const { fake, adapter, session, account, requestsTo } = await setup(t, { publications: { standart_job: 3, hot_job: 0 } })
  const closed = await adapter.publish(session, account, posting())
  await adapter.archive(session, account, closed.externalId)
  t.match(await failure(t, adapter.reactivate(session, account, closed.externalId, posting({ publicationType: 'hot_job' }))), { kind: 'quota', boardStatus: 403 })
  t.match(fake.getJob(Number(closed.externalId)), { active: false, closed: true }, 'still closed')

  const banned = await adapter.publish(session, account, posting())
  fake.banJob(Number(banned.externalId))
  t.match(await failure(t, adapter.reactivate(session, account, banned.externalId, posting())), { kind: 'rejected', boardStatus: 400, message: /blocked by moderators/ })

  const gone = await adapter.publish(session, account, posting())
  fake.deleteJob(Number(gone.externalId))
  t.match(await failure(t, adapter.reactivate(session, account, gone.externalId, posting())), { kind: 'not_found', boardStatus: 404 })

  fake.server.inject({ match: /^PUT \/jobs\/\d+$/, status: 503, times: 5 })
  const puts = requestsTo(/^PUT \/jobs\/\d+$/).length
  t.match(await failure(t, adapter.reactivate(session, account, closed.externalId, posting())), { kind: 'unavailable', boardStatus: 503 })
  t.equal(requestsTo(/^PUT \/jobs\/\d+$/).length, puts + 1, 'not resent after a 503: Work.ua may have published it')
  t.match(await failure(t, adapter.reactivate(session, account, 'abc', posting())), { kind: 'not_found' }, 'no Work.ua id')
})

t.test('previewPayload is the form publish sends, as an object, with no request', async t => {
  const { adapter, session, account, requestsTo, pairsOf, fake } = await setup(t)
  const before = fake.server.requests.length
  const preview = adapter.previewPayload(posting()) as Record<string, string | string[]>
  t.equal(fake.server.requests.length, before, 'nothing sent')
  t.same(preview, {
    name: 'Бариста',
    description: posting().description,
    'region[id]': '5',
    'category[][id]': ['1', '8'],
    'jobtype[][id]': ['74', '76'],
    'experience[id]': '2',
    'salary[value]': '30000',
    publication: 'standart_job'
  })
  await adapter.publish(session, account, posting())
  const sent: Record<string, string | string[]> = {}
  for (const [key, value] of pairsOf(requestsTo(/^POST \/jobs$/)[0]!.rawBody)) sent[key] = key.endsWith('[][id]') ? [...(sent[key] as string[] ?? []), value] : value
  t.same(preview, sent, 'exactly what the publish sent')
  t.same(adapter.previewPayload(posting({ fields: { regionId: 1, categoryIds: [4], jobtypeIds: [74] }, publicationType: null })), {
    name: 'Бариста', description: posting().description, 'region[id]': '1', 'category[][id]': ['4'], 'jobtype[][id]': ['74'], publication: 'standart_job'
  }, 'a list of one is still a list; no type is Work.ua\'s standard one')
})
