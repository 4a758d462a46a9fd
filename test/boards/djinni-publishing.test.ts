// Publishing on Djinni against the Djinni fake (no database): a job goes to Djinni's review, is
// approved or rejected there, is edited, archived or removed; Djinni refuses a field, fails or stays
// silent while a job is created. Djinni's API is private: the fake is the assumed contract of docs/boards.md.
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, CredentialStore, PostingInput } from '../../src/boards/types.js'
import { createDjinniAdapter, type DjinniCredentials, type DjinniFields } from '../../src/boards/djinni/adapter.js'
import { memoryStore } from '../helpers/credential-store.js'
import { boardFailure } from '../helpers/board-errors.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })


/** every key the tests hand out: no error may show one */
const secrets = new Set<string>()
let keys = 0
const secretKey = (): string => { const key = `djk-SECRET-${++keys}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(key); return key }

const failure = async (t: Test, promise: Promise<unknown>): Promise<BoardError> => await boardFailure(t, promise, secrets)

async function setup (t: Teardown) {
  const { fake, adapter, requestsTo } = await adapterHarness(t, 'djinni', { env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' }, create: createDjinniAdapter })

  /** an employer's account on Djinni, installed with its key */
  async function install () {
    const djinniAccount = fake.addAccount({ key: secretKey(), companyName: 'Карпати Лабс' })
    const credentials = await adapter.connect({ keyName: 'jobsync', apiKey: djinniAccount.key }, `install:${djinniAccount.id}`)
    const session: AccountSession<DjinniCredentials> = { key: `djinni:${djinniAccount.id}`, credentials: memoryStore(credentials), log: silent }
    const account: BoardAccount = { externalId: String(djinniAccount.id), name: 'Карпати Лабс', email: djinniAccount.email }
    return { djinniAccount, session, account }
  }

  return { fake, adapter, install, requestsTo }
}

const fields: DjinniFields = { category: 'JavaScript', experienceYears: 3, location: 'Київ', remoteType: 'hybrid', salaryFrom: 3000, salaryTo: 4500 }
const posting = (changes: Partial<PostingInput> = {}): PostingInput => ({
  title: 'Senior Node.js Developer',
  description: '<p>Продуктова команда, <strong>TypeScript</strong> і PostgreSQL.</p>',
  fields: { ...fields },
  publicationType: 'standard',
  ...changes
})

t.test('publish creates the job with our fields under Djinni\'s names, and it waits for Djinni\'s review', async t => {
  const { adapter, install, requestsTo, fake } = await setup(t)
  const { djinniAccount, session, account } = await install()

  const ref = await adapter.publish(session, account, posting())
  const creates = requestsTo(/^POST \/api\/v2\/jobs\/$/)
  t.equal(creates.length, 1)
  const sent = creates[0]
  t.equal(sent?.headers['x-api-key'], djinniAccount.key, 'the key goes in X-API-Key')
  t.match(sent?.headers['content-type'], /^application\/json/)
  t.same(sent?.body, {
    title: 'Senior Node.js Developer',
    description: '<p>Продуктова команда, <strong>TypeScript</strong> і PostgreSQL.</p>',
    category: 'JavaScript',
    experience_years: 3,
    location: 'Київ',
    remote_type: 'hybrid',
    salary_from: 3000,
    salary_to: 4500,
    is_draft: false
  }, 'snake_case keys, the HTML as it is, published rather than saved as a draft, no publication type')

  const job = fake.getJob(Number(ref.externalId))
  t.ok(job, 'Djinni has the job under the id we got back')
  t.same(ref, { externalId: String(job?.id), url: job?.url, state: 'pending_review' }, 'every new job waits for Djinni\'s approval')
  t.match(ref.url, /^https:\/\/djinni\.co\/jobs\/\d+-senior-node-js-developer\/$/)
  t.match(job, { status: 'pending_review', is_draft: false, remote_type: 'hybrid', salary_to: 4500 })

  // salary is optional: left out, not sent as null
  const bare = await adapter.publish(session, account, posting({ fields: { category: 'QA', experienceYears: 0, location: 'Ukraine', remoteType: 'remote' }, publicationType: null }))
  const body = requestsTo(/^POST \/api\/v2\/jobs\/$/)[1]?.body as Record<string, unknown>
  t.notOk('salary_from' in body || 'salary_to' in body, 'no salary keys')
  t.match(fake.getJob(Number(bare.externalId)), { category: 'QA', experience_years: 0, salary_from: null })
  t.not(bare.externalId, ref.externalId)
})

t.test('Djinni approves the job: pending_review, then live', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())

  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'pending_review', url: ref.url, reason: null, expiresAt: null })
  fake.approveJob(Number(ref.externalId))
  const live = await adapter.getPosting(session, account, ref.externalId)
  t.same(live, { state: 'live', url: ref.url, reason: null, expiresAt: fake.getJob(Number(ref.externalId))!.expires_at })
  const days = (Date.parse(live.expiresAt!) - Date.now()) / 86_400_000
  t.ok(days > 29.9 && days <= 30, `the end of the term Djinni gives (${days.toFixed(3)} days)`)
})

t.test('the job\'s end on Djinni: taken down by its moderators is removed with their words, closed at its term is expired', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  const down = await adapter.publish(session, account, posting())
  fake.approveJob(Number(down.externalId))
  fake.takeDownJob(Number(down.externalId), 'Вакансія дублює іншу.')
  t.same(await adapter.getPosting(session, account, down.externalId), { state: 'removed', url: null, reason: 'Вакансія дублює іншу.', expiresAt: null })
  t.match(await failure(t, adapter.update(session, account, down.externalId, posting())), { kind: 'rejected', boardStatus: 400, message: /closed and cannot be changed/ })
  await adapter.archive(session, account, down.externalId)
  t.equal(fake.getJob(Number(down.externalId))?.status, 'removed', 'archiving a job that is down changes nothing')

  const ended = await adapter.publish(session, account, posting())
  fake.approveJob(Number(ended.externalId))
  fake.expireJob(Number(ended.externalId))
  const status = await adapter.getPosting(session, account, ended.externalId)
  t.match(status, { state: 'expired', url: ended.url, reason: null })
  t.ok(Date.parse(status.expiresAt!) < Date.now(), 'when its term ended')

  for (const body of [{ id: 5, status: 'active', expires_at: 'soon' }, { id: 5, status: 'active', expires_at: null }]) {
    fake.server.inject({ match: /^GET \/api\/v2\/jobs\/\d+\/$/, status: 200, body })
    t.match(await adapter.getPosting(session, account, ended.externalId), { state: 'live', expiresAt: null }, `an end Djinni does not give readably: none (${JSON.stringify(body.expires_at)})`)
  }
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 201, body: { id: 99, status: 'removed' } })
  t.same(await adapter.publish(session, account, posting()), { externalId: '99', url: null, state: 'rejected' }, 'a job created already down keeps its id: refused')
})

t.test('Djinni rejects the job: rejected with Djinni\'s words; an edit sends it back to review', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())

  fake.rejectJob(Number(ref.externalId), 'Вкажіть назву компанії та зарплатну вилку в описі.')
  t.same(await adapter.getPosting(session, account, ref.externalId), {
    state: 'rejected', url: ref.url, reason: 'Вкажіть назву компанії та зарплатну вилку в описі.', expiresAt: null
  })

  await adapter.update(session, account, ref.externalId, posting({ description: '<p>Карпати Лабс, $3000–4500.</p>' }))
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'pending_review', url: ref.url, reason: null, expiresAt: null })
})

t.test('a job saved as a draft on Djinni (never sent to review) is posting state none', async t => {
  const { adapter, install, fake } = await setup(t)
  const { djinniAccount, session, account } = await install()
  const draft = fake.addJob({ is_draft: true }, djinniAccount.key)
  t.match(await adapter.getPosting(session, account, String(draft.id)), { state: 'none', reason: null })
})

t.test('a job removed on Djinni, another account\'s job, or no Djinni id at all is not_found', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  fake.approveJob(Number(ref.externalId))

  fake.removeJob(Number(ref.externalId))
  t.match(await failure(t, adapter.getPosting(session, account, ref.externalId)), { kind: 'not_found', boardStatus: 404 })
  t.match(await failure(t, adapter.update(session, account, ref.externalId, posting())), { kind: 'not_found', boardStatus: 404 })
  t.match(await failure(t, adapter.archive(session, account, ref.externalId)), { kind: 'not_found', boardStatus: 404 })

  const other = await install()
  const theirs = await adapter.publish(other.session, other.account, posting())
  t.match(await failure(t, adapter.getPosting(session, account, theirs.externalId)), { kind: 'not_found' }, 'jobs are visible only to the key that created them')
  t.match(await failure(t, adapter.archive(session, account, theirs.externalId)), { kind: 'not_found' })
  t.equal(fake.getJob(Number(theirs.externalId))?.status, 'pending_review', 'their job is untouched')

  const before = fake.server.requests.length
  for (const id of ['', 'abc', '12/../me', '-5', '0']) {
    t.match(await failure(t, adapter.getPosting(session, account, id)), { kind: 'not_found', boardStatus: undefined }, `"${id}"`)
  }
  t.equal(fake.server.requests.length, before, 'no call for an id Djinni could not have given')
  t.equal(requestsTo(/^GET \/api\/v2\/jobs\/\d+\/$/).length, 2)
})

t.test('update pushes title, description and every field; a dropped salary is cleared; a live job stays live', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  fake.approveJob(Number(ref.externalId))

  const edited = posting({
    title: 'Lead Node.js Developer',
    description: '<p>Нова команда.</p>',
    fields: { category: 'Node.js', experienceYears: 5, location: 'Львів', remoteType: 'remote' }
  })
  await adapter.update(session, account, ref.externalId, edited)

  const patches = requestsTo(/^PATCH \/api\/v2\/jobs\/\d+\/$/)
  t.equal(patches.length, 1)
  t.equal(patches[0]?.path, `/api/v2/jobs/${ref.externalId}/`)
  t.same(patches[0]?.body, {
    title: 'Lead Node.js Developer',
    description: '<p>Нова команда.</p>',
    category: 'Node.js',
    experience_years: 5,
    location: 'Львів',
    remote_type: 'remote',
    salary_from: null,
    salary_to: null
  }, 'no is_draft, no status: an edit is not a publish')
  t.match(fake.getJob(Number(ref.externalId)), {
    title: 'Lead Node.js Developer', category: 'Node.js', experience_years: 5, location: 'Львів', remote_type: 'remote',
    salary_from: null, salary_to: null, status: 'active'
  })
  t.equal((await adapter.getPosting(session, account, ref.externalId)).state, 'live')
})

t.test('archive closes the job on Djinni; twice is fine; an archived job cannot be edited', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  const ref = await adapter.publish(session, account, posting())
  fake.approveJob(Number(ref.externalId))

  await adapter.archive(session, account, ref.externalId)
  const patches = requestsTo(/^PATCH \/api\/v2\/jobs\/\d+\/$/)
  t.same(patches.map(p => p.body), [{ status: 'archived' }])
  t.equal(fake.getJob(Number(ref.externalId))?.status, 'archived')
  t.same(await adapter.getPosting(session, account, ref.externalId), { state: 'archived', url: ref.url, reason: null, expiresAt: null })

  await adapter.archive(session, account, ref.externalId)
  t.equal(fake.getJob(Number(ref.externalId))?.status, 'archived')

  const refused = await failure(t, adapter.update(session, account, ref.externalId, posting()))
  t.match(refused, { kind: 'rejected', boardStatus: 400, field: undefined, message: /Archived jobs cannot be changed/ })
})

t.test('Djinni counts no publications: availablePublications is [] without a call', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  t.same(await adapter.availablePublications(session, account), [])
  t.equal(fake.server.requests.length, 0)
  t.same(adapter.publicationTypes.map(type => type.paid), [false], 'and its one type is free, so publish never runs out')
})

t.test('a field Djinni refuses is rejected under our field name, and nothing is created', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  const jobsBefore = fake.jobs.size

  const years = await failure(t, adapter.publish(session, account, posting({ fields: { ...fields, experienceYears: -1 } })))
  t.match(years, { kind: 'rejected', field: 'experienceYears', boardStatus: 400, status: 422, message: /experience_years: A valid integer is required/ })
  t.match(years, { errors: [{ pointer: '/fields/experienceYears' }] })

  const title = await failure(t, adapter.publish(session, account, posting({ title: '   ' })))
  t.match(title, { kind: 'rejected', field: 'title', message: /title: This field may not be blank/ })

  // Djinni's own list of categories (the fake takes any string)
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 400, body: { category: ['"Basket weaving" is not a valid choice.'] } })
  const category = await failure(t, adapter.publish(session, account, posting({ fields: { ...fields, category: 'Basket weaving' } })))
  t.match(category, { kind: 'rejected', field: 'category', message: /Basket weaving/ })

  t.equal(fake.jobs.size, jobsBefore)

  // on an edit too
  const ref = await adapter.publish(session, account, posting())
  const location = await failure(t, adapter.update(session, account, ref.externalId, posting({ fields: { ...fields, location: '' } })))
  t.match(location, { kind: 'rejected', field: 'location' })
})

t.test('Djinni saying it has the job already is duplicate', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 409, body: { detail: 'A job with this title is already published.' } })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'duplicate', boardStatus: 409, status: 409 })
})

t.test('Djinni failing during publish is unavailable, and the create is sent once (it may have gone through)', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 503, body: 'Service Unavailable', times: 2 })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'unavailable', boardStatus: 503, status: 502 })
  t.equal(requestsTo(/^POST \/api\/v2\/jobs\/$/).length, 1, 'exactly one create reached Djinni')

  t.equal(fake.jobs.size, 0, 'nothing was created behind the 503')

  // the edits are idempotent and are retried
  fake.server.clearFaults()
  const ref = await adapter.publish(session, account, posting())
  fake.server.inject({ match: /^PATCH /, status: 502, times: 1 })
  await adapter.update(session, account, ref.externalId, posting({ title: 'Middle Node.js Developer' }))
  t.equal(requestsTo(/^PATCH /).length, 2, 'one failure, one retry')
  t.equal(fake.getJob(Number(ref.externalId))?.title, 'Middle Node.js Developer')
})

t.test('Djinni silent during publish is timeout, without a second create', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, mode: 'timeout' })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'timeout', status: 504 })
  t.equal(requestsTo(/^POST \/api\/v2\/jobs\/$/).length, 1)
})

t.test('a 429 on publish is sent again: Djinni did not take it', async t => {
  const { adapter, install, fake, requestsTo } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 429, headers: { 'retry-after': '0' }, body: { detail: 'Request was throttled.' } })
  const ref = await adapter.publish(session, account, posting())
  t.equal(requestsTo(/^POST \/api\/v2\/jobs\/$/).length, 2)
  t.equal([...fake.jobs.values()].filter(r => r.accountId === Number(account.externalId)).length, 1, 'one job on Djinni')
  t.equal(ref.state, 'pending_review')
})

t.test('what Djinni answers about a job is checked before it is trusted', async t => {
  const { adapter, install, fake } = await setup(t)
  const { session, account } = await install()
  fake.server.inject({ match: /^POST \/api\/v2\/jobs\/$/, status: 201, body: { title: 'no id' } })
  t.match(await failure(t, adapter.publish(session, account, posting())), { kind: 'bad_response', message: /unexpected job \(POST \/jobs\/\)/ })
  const ref = await adapter.publish(session, account, posting())
  fake.server.inject({ match: /^GET /, status: 200, body: { id: Number(ref.externalId), status: 'on_hold' } })
  t.match(await failure(t, adapter.getPosting(session, account, ref.externalId)), { kind: 'bad_response', message: /status/ })
})

t.test('postingIdFrom reads Djinni job links and bare ids', async t => {
  const { adapter } = await setup(t)
  const cases: Array<[string, string | null]> = [
    ['https://djinni.co/jobs/12345-some-title/', '12345'],
    ['https://djinni.co/jobs/12345-some-title', '12345'],
    ['https://www.djinni.co/jobs/12345-senior-node-js-developer/?ref=tg&utm_source=x#apply', '12345'],
    ['http://DJINNI.CO/jobs/777/', '777'],
    ['djinni.co/jobs/42-qa-engineer/', '42'],
    ['  https://djinni.co/jobs/12345-some-title/  ', '12345'],
    ['12345', '12345'],
    [' 987 ', '987'],
    ['https://djinni.co/jobs/?primary_keyword=JavaScript', null],
    ['https://djinni.co/home/inbox/5001/', null],
    ['https://djinni.co/jobs/12345-a/candidates/', null],
    ['https://djinni.co.evil.example/jobs/12345-x/', null],
    ['https://evil.example/djinni.co/jobs/12345-x/', null],
    ['https://work.ua/jobs/12345/', null],
    ['12345-some-title', null],
    ['0', null],
    ['-12', null],
    ['12.5', null],
    ['Senior Node.js Developer', null],
    ['', null],
    ['1'.repeat(30), null]
  ]
  for (const [input, id] of cases) t.equal(adapter.postingIdFrom(input), id, JSON.stringify(input))
})
