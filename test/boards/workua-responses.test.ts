// Candidate sync through the Work.ua adapter against the Work.ua fake (no database): responses paged
// with Work.ua's last_id cursor, each mapped field by field (Kyiv time with its offset, `fio` split
// into names, the raw item kept), the seeds' filter (blacklisted / archived / rejected) counted in
// `skipped`, resuming from any page, a second run that sees only what is new, and a board that fails,
// rate-limits or changes its password in the middle of a run.
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage } from '../../src/boards/types.js'
import { createWorkuaAdapter, type WorkuaAdapterOptions, type WorkuaCredentials } from '../../src/boards/workua/adapter.js'
import type { WorkuaFakeOptions, WorkuaResponse } from '../fakes/workua.js'
import { memoryStore, type MemoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })

/** every password the tests hand out: no error may show one */
const secrets = new Set<string>()
let passwords = 0
const secretPassword = (): string => { const password = `wua-SYNC-SECRET-${++passwords}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(password); return password }

/** checks a BoardError shows no password in its message or its JSON */
function checkFailure (t: Test, error: unknown): BoardError {
  t.type(error, BoardError, 'fails with a BoardError')
  const shown = `${String(error)}\n${(error as Error | null)?.message ?? ''}\n${JSON.stringify(error)}`
  t.notOk([...secrets].some(secret => shown.includes(secret)), 'no password in the error')
  return error as BoardError
}

// ---------- what the host must see, worked out apart from the adapter ----------
const KYIV = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/
const REASONS = ['blacklisted', 'archived', 'rejected'] as const
const reasonOf = (r: WorkuaResponse): string | null => REASONS.find(reason => r[reason]) ?? null
const transferred = (r: WorkuaResponse): boolean => reasonOf(r) === null
function skippedOf (list: WorkuaResponse[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of list) { const reason = reasonOf(r); if (reason !== null) counts[reason] = (counts[reason] ?? 0) + 1 }
  return counts
}
const clean = { blacklisted: false, archived: false, rejected: false }

/** the fake writes `fio` as "Ім'я Прізвище" (two words) or "Прізвище Ім'я По батькові" (three) */
function namesOf (fio: string): Pick<BoardApplication, 'firstName' | 'lastName' | 'middleName'> {
  const [a, b, c] = fio.split(' ') as [string, string, string | undefined]
  return c === undefined ? { firstName: a, lastName: b, middleName: null } : { firstName: b, lastName: a, middleName: c }
}

/** the application a generated response must become, but its appliedAt (checked apart) */
function expectedOf (r: WorkuaResponse): Omit<BoardApplication, 'appliedAt' | 'updatedAt'> {
  return {
    externalId: String(r.id),
    ...namesOf(r.fio),
    emails: r.email === null ? [] : [r.email],
    phones: r.phone === null ? [] : [r.phone],
    photoUrl: null,
    birthDate: r.birth_date,
    resumeText: r.text,
    resumeUrl: null,
    coverLetter: r.cover,
    skills: [],
    url: null,
    raw: { ...r }
  }
}

async function setup (t: Teardown, options: WorkuaAdapterOptions = { responsesPageSize: 10 }, fakeOptions: WorkuaFakeOptions = {}) {
  const { fake, adapter } = await adapterHarness(t, 'workua', {
    fake: { password: secretPassword(), ...fakeOptions },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' },
    create: deps => createWorkuaAdapter(deps, options)
  })

  const store: MemoryStore<WorkuaCredentials> = memoryStore({ login: fake.defaultLogin, password: fake.defaultPassword })
  const session: AccountSession<WorkuaCredentials> = { key: `workua:${fake.defaultLogin}`, credentials: store, log: silent }
  const account: BoardAccount = { externalId: fake.defaultLogin, name: fake.defaultLogin, email: fake.defaultLogin }
  const job = fake.addJob()

  /** a whole run, every page */
  async function run (cursor: string | null, jobId: number | string = job.id, runSession = session): Promise<ResponsePage[]> {
    const pages: ResponsePage[] = []
    for await (const page of adapter.pageThroughResponses(runSession, account, String(jobId), cursor)) pages.push(page)
    return pages
  }
  /** a run stepped page by page, so a test can break the board between pages */
  const stepper = (cursor: string | null, jobId: number = job.id) =>
    adapter.pageThroughResponses(session, account, String(jobId), cursor)[Symbol.asyncIterator]()
  /** the responses requests sent, as their last_id and limit (injected faults included) */
  const pageRequests = (jobId: number = job.id) => fake.server.requests
    .filter(r => r.method === 'GET' && r.path === `/jobs/${jobId}/responses/`)
    .map(r => ({ last_id: r.query.get('last_id'), limit: r.query.get('limit') }))
  const idsOf = (pages: ResponsePage[]): string[] => pages.flatMap(page => page.items.map(item => item.externalId))

  return { fake, adapter, store, session, account, job, run, stepper, pageRequests, idsOf }
}

const lastIdOf = (cursor: string | null): number => (JSON.parse(cursor ?? 'null') as { lastId: number }).lastId

t.test('every response of several pages, mapped field by field', async t => {
  const { fake, job, run, pageRequests } = await setup(t)
  const added = fake.addResponses(job.id, 23)
  const startedAt = fake.now().getTime()
  const pages = await run(null)

  t.equal(pages.length, 3, 'pages of 10, 10 and 3: the short one is the last, no request for the 404 after it')
  t.same(pageRequests(), [
    { last_id: '', limit: '10' },
    { last_id: String(added[9]!.id), limit: '10' },
    { last_id: String(added[19]!.id), limit: '10' }
  ], 'the first page as docs/boards.md writes it (`last_id=`), then from the highest id of the page before')
  t.ok(fake.calls.every(c => c.login === fake.defaultLogin && c.locale === 'uk_UA' && c.accept?.includes('application/json') === true && c.status === 200), 'Basic auth, Accept and X-Locale on every page')

  const slices = [added.slice(0, 10), added.slice(10, 20), added.slice(20)]
  pages.forEach((page, i) => {
    const slice = slices[i]!
    t.same(page.items.map(item => item.externalId), slice.filter(transferred).map(r => String(r.id)), `page ${i + 1}: the clean responses, oldest first`)
    t.same(page.skipped, skippedOf(slice), `page ${i + 1}: the others counted by reason`)
    t.equal(page.cursor, JSON.stringify({ lastId: slice.at(-1)!.id }), `page ${i + 1}: cursor at its highest id, skipped ones included`)
  })
  t.ok(pages.some(page => Object.keys(page.skipped).length === 3), 'the fake seeded all three reasons')

  const byId = new Map(pages.flatMap(page => page.items).map(item => [item.externalId, item]))
  for (const response of added.filter(transferred)) {
    const { appliedAt, updatedAt, ...rest } = byId.get(String(response.id))!
    t.same(rest, expectedOf(response), `response ${response.id} (${response.type}, "${response.fio}")`)
    t.match(appliedAt, ISO_WITH_OFFSET, 'ISO 8601 with an offset')
    t.equal(KYIV.format(new Date(appliedAt!)), response.date, 'the same instant as Work.ua\'s Kyiv local time')
    t.ok(Math.abs(Date.parse(appliedAt!) - startedAt) < 60_000, 'read as Kyiv time, not UTC or the server\'s zone')
    t.equal(updatedAt, appliedAt, 'Work.ua sends no update time')
  }
  t.ok(added.some(r => r.type === 'easy' && transferred(r) && r.text === null), 'an easy response without resume text is transferred too')
})

t.test('Work.ua\'s own page size: limit=50', async t => {
  const { fake, job, run, pageRequests, idsOf } = await setup(t, {})
  const added = fake.addResponses(job.id, 120)
  const pages = await run(null)
  t.same(pageRequests().map(q => q.limit), ['50', '50', '50'])
  t.same(pages.map(page => page.items.length + Object.values(page.skipped).reduce((a, b) => a + b, 0)), [50, 50, 20])
  t.same(idsOf(pages), added.filter(transferred).map(r => String(r.id)))
})

t.test('dates: Kyiv local time to ISO 8601 with the offset of that day', async t => {
  const { fake, job, run } = await setup(t)
  const cases: Array<[string, string | null, string]> = [
    ['2025-01-15 09:30:00', '2025-01-15T09:30:00+02:00', 'winter: EET'],
    ['2025-07-01 12:00:00', '2025-07-01T12:00:00+03:00', 'summer: EEST'],
    ['2025-03-30 02:59:59', '2025-03-30T02:59:59+02:00', 'the second before clocks go forward'],
    ['2025-03-30 03:30:00', '2025-03-30T04:30:00+03:00', 'a time the spring change skips moves forward by the gap'],
    ['2025-10-26 03:30:00', '2025-10-26T03:30:00+03:00', 'a time the autumn change repeats is the earlier one'],
    ['2025-10-26 04:00:00', '2025-10-26T04:00:00+02:00', 'after clocks go back'],
    ['2025-12-31 23:59:59', '2025-12-31T23:59:59+02:00', 'the year\'s last second stays in its year'],
    ['2025-07-01T12:00:00+00:00', '2025-07-01T15:00:00+03:00', 'a time with an offset is taken as it says'],
    ['2025-02-30 10:00:00', null, 'a day that does not exist is no time']
  ]
  const added = fake.addResponses(job.id, cases.map(([date]) => ({ date, ...clean })))
  const items = (await run(null)).flatMap(page => page.items)
  cases.forEach(([date, iso, why], i) => {
    t.equal(items[i]!.externalId, String(added[i]!.id))
    t.equal(items[i]!.appliedAt, iso, `${date}: ${why}`)
  })
})

t.test('names: `fio` split into last, first and middle name', async t => {
  const { fake, job, run } = await setup(t)
  const cases: Array<[string | null, string | null, string | null, string | null, string]> = [
    // fio, last, first, middle
    ['Ткаченко Оксана Петрівна', 'Ткаченко', 'Оксана', 'Петрівна', 'Ukrainian order'],
    ['Оксана Петрівна Ткаченко', 'Ткаченко', 'Оксана', 'Петрівна', 'given name and patronymic first'],
    ['Шухевич Роман Йосипович', 'Шухевич', 'Роман', 'Йосипович', 'a surname with a patronymic\'s ending'],
    ['Роман Йосипович Шухевич', 'Шухевич', 'Роман', 'Йосипович', 'the same, in the other order'],
    ['Мороз Іван', 'Мороз', 'Іван', null, 'surname, given name'],
    ['Іван Мороз', 'Мороз', 'Іван', null, 'given name, surname'],
    ['Олена Мельник', 'Мельник', 'Олена', null, 'a surname without a telling ending'],
    ['Коваленко Ярема', 'Коваленко', 'Ярема', null, 'a rare given name: the surname ending decides'],
    ['Ярош Орест', 'Ярош', 'Орест', null, 'two words without a sign: Ukrainian order'],
    ['Олена Петрівна', null, 'Олена', 'Петрівна', 'given name and patronymic only'],
    ['Олена', null, 'Олена', null, 'a given name alone'],
    ['Шевченко', 'Шевченко', null, null, 'a surname alone'],
    ['  Петренко-Коваль   Анна-Марія  Іванівна ', 'Петренко-Коваль', 'Анна-Марія', 'Іванівна', 'hyphens kept, blanks dropped'],
    ['Гончаренко Коваль Олена Іванівна', 'Гончаренко Коваль', 'Олена', 'Іванівна', 'four words: the surname takes what is before the given name'],
    ['Коваленко Анна Марія Софія', 'Коваленко', 'Анна', 'Марія Софія', 'four words without a patronymic'],
    ['Shevchenko Olena', 'Shevchenko', 'Olena', null, 'Latin letters, Ukrainian order'],
    ['John Paul Smith', 'Smith', 'John', 'Paul', 'Latin letters, Western order'],
    ['', null, null, null, 'empty'],
    [null, null, null, null, 'none']
  ]
  const added = fake.addResponses(job.id, cases.map(([fio]) => ({ fio: fio as string, ...clean })))
  const items = (await run(null)).flatMap(page => page.items)
  t.equal(items.length, cases.length)
  cases.forEach(([fio, lastName, firstName, middleName, why], i) => {
    t.same({ lastName: items[i]!.lastName, firstName: items[i]!.firstName, middleName: items[i]!.middleName }, { lastName, firstName, middleName }, `${JSON.stringify(fio)}: ${why}`)
    t.equal((items[i]!.raw as WorkuaResponse).fio, added[i]!.fio, 'raw keeps fio as sent')
  })
})

t.test('empty and odd fields: no contact is no contact, a zero date is no date', async t => {
  const { fake, job, run } = await setup(t)
  const [easy, odd] = fake.addResponses(job.id, [
    { type: 'easy', candidate_id: null, email: null, phone: null, text: null, cover: null, birth_date: null, ...clean },
    { type: 'file', email: ' Olena.K@UKR.NET ', phone: '(067) 123-45-67', text: '  ', cover: '', birth_date: '0000-00-00', ...clean }
  ])
  const items = (await run(null)).flatMap(page => page.items)
  t.match(items[0], { externalId: String(easy!.id), emails: [], phones: [], resumeText: null, coverLetter: null, birthDate: null, resumeUrl: null, url: null })
  t.match(items[1], { externalId: String(odd!.id), emails: [' Olena.K@UKR.NET '], phones: ['(067) 123-45-67'], resumeText: null, coverLetter: null, birthDate: null }, 'contacts as Work.ua gave them (the service normalises)')
  t.same(items.map(item => item.raw), [easy, odd], 'raw is the item as sent')
})

t.test('the seeds\' filter: blacklisted, archived and rejected candidates are not transferred, only counted', async t => {
  const { fake, job, run, pageRequests } = await setup(t, { responsesPageSize: 5 })
  const added = fake.addResponses(job.id, [
    { ...clean },
    { ...clean, blacklisted: true },
    { ...clean, archived: true },
    { ...clean, rejected: true },
    { ...clean, blacklisted: true, rejected: true },
    // a page where nobody is transferred
    { ...clean, rejected: true },
    { ...clean, archived: true, rejected: true },
    { ...clean, rejected: true },
    { ...clean, blacklisted: true },
    { ...clean, archived: true },
    { ...clean }
  ])
  const pages = await run(null)
  t.same(pages.map(page => ({ ids: page.items.map(item => item.externalId), skipped: page.skipped, lastId: lastIdOf(page.cursor) })), [
    { ids: [String(added[0]!.id)], skipped: { blacklisted: 2, archived: 1, rejected: 1 }, lastId: added[4]!.id },
    { ids: [], skipped: { rejected: 2, archived: 2, blacklisted: 1 }, lastId: added[9]!.id },
    { ids: [String(added[10]!.id)], skipped: {}, lastId: added[10]!.id }
  ], 'several flags count once, under the first of blacklisted, archived, rejected; an all-skipped page still moves the cursor')

  // decided: a skipped response is not asked for again, even when Work.ua clears its flag later
  fake.setResponseFlags(added[3]!.id, { rejected: false })
  const again = await run(pages.at(-1)!.cursor)
  t.same(again, [{ items: [], skipped: {}, cursor: pages.at(-1)!.cursor }])
  t.same(pageRequests().at(-1), { last_id: String(added[10]!.id), limit: '5' }, 'the next run starts after the skipped ones')
})

t.test('a run resumed from any page\'s cursor brings exactly what came after it', async t => {
  const { fake, job, run, pageRequests, idsOf } = await setup(t)
  const added = fake.addResponses(job.id, 40)
  const all = added.filter(transferred).map(r => String(r.id))
  const pages = await run(null)
  t.equal(pages.length, 4, 'four full pages; the 404 after the last one adds no page')
  t.same(pageRequests().at(-1), { last_id: String(added.at(-1)!.id), limit: '10' }, 'the 404 was asked for after the last full page')
  t.same(idsOf(pages), all)

  for (let i = 0; i < pages.length; i++) {
    const before = pageRequests().length
    const resumed = await run(pages[i]!.cursor)
    const seen = idsOf(pages.slice(0, i + 1))
    const rest = idsOf(resumed)
    t.same(rest, all.filter(id => !seen.includes(id)), `from page ${i + 1}'s cursor: the responses not seen yet, none lost`)
    t.same([...seen, ...rest], all, 'no response twice, none missing')
    t.equal(pageRequests()[before]!.last_id, String(lastIdOf(pages[i]!.cursor)), 'it asks from where that page ended')
    t.ok(resumed.length >= 1, 'at least one page, so the final cursor is returned')
    t.equal(resumed.at(-1)!.cursor, pages.at(-1)!.cursor, 'and it ends where the full run ended')
  }
})

t.test('the next run brings only new responses, from this job only', async t => {
  const { fake, job, run, pageRequests, idsOf } = await setup(t)
  fake.addResponses(job.id, 12)
  const first = await run(null)
  const final = first.at(-1)!.cursor

  const before = pageRequests().length
  const quiet = await run(final)
  t.same(quiet, [{ items: [], skipped: {}, cursor: final }], 'nothing new: one empty page, the cursor kept')
  t.equal(pageRequests().length - before, 1, 'one request, answered 404, which is no error')

  // new applicants arrive, with responses to another job between them (Work.ua's ids are global)
  const other = fake.addJob()
  const fresh = [
    ...fake.addResponses(job.id, [{ ...clean }]),
    ...fake.addResponses(other.id, 2),
    ...fake.addResponses(job.id, [{ ...clean }, { ...clean, archived: true }, { ...clean }])
  ].filter(r => r.job_id === job.id)
  const second = await run(final)
  t.same(idsOf(second), fresh.filter(transferred).map(r => String(r.id)), 'exactly the new ones of this job')
  t.same(second.flatMap(page => [page.skipped]), [{ archived: 1 }])
  t.equal(lastIdOf(second.at(-1)!.cursor), fresh.at(-1)!.id)
  t.same(await run(second.at(-1)!.cursor), [{ items: [], skipped: {}, cursor: second.at(-1)!.cursor }])
})

t.test('a job without responses: Work.ua\'s 404 is one empty page, not an error', async t => {
  const { fake, job, run, idsOf } = await setup(t)
  const none = await run(null)
  t.same(none, [{ items: [], skipped: {}, cursor: JSON.stringify({ lastId: 0 }) }])
  const added = fake.addResponses(job.id, 3)
  t.same(idsOf(await run(none[0]!.cursor)), added.filter(transferred).map(r => String(r.id)), 'the first responses come with the next run')

  // ASSUMPTION (the fake): a job gone from Work.ua answers the same 404; getPosting tells it apart
  fake.deleteJob(job.id)
  t.same(await run(null), [{ items: [], skipped: {}, cursor: JSON.stringify({ lastId: 0 }) }])
})

t.test('Work.ua down on page 3: the pages before are yielded, then the BoardError', async t => {
  const { fake, job, stepper, run, pageRequests, idsOf } = await setup(t)
  const added = fake.addResponses(job.id, 25)
  const pages = stepper(null)
  const one = await pages.next()
  const two = await pages.next()
  t.equal(one.done, false)
  t.equal(two.done, false)
  fake.server.inject({ match: /responses/, status: 503, body: 'Service Unavailable', times: 2 })
  const error = checkFailure(t, await pages.next().then(() => null, (e: unknown) => e))
  t.match(error, { kind: 'unavailable', boardStatus: 503 })
  t.equal(pageRequests().length, 4, 'two pages, then one try and BOARD_MAX_RETRIES=1 retry')

  // the service stored pages 1 and 2 with their cursors; the next run goes on from page 2's
  const stored = [one.value as ResponsePage, two.value as ResponsePage]
  const rest = await run(stored[1]!.cursor)
  t.same([...idsOf(stored), ...idsOf(rest)], added.filter(transferred).map(r => String(r.id)), 'nothing lost')
})

t.test('Work.ua silent on page 2: timeout after page 1 was yielded', async t => {
  const { fake, job, stepper } = await setup(t)
  fake.addResponses(job.id, 15)
  const pages = stepper(null)
  t.equal((await pages.next()).done, false)
  fake.server.inject({ match: /responses/, mode: 'timeout', times: 2 })
  t.match(checkFailure(t, await pages.next().then(() => null, (e: unknown) => e)), { kind: 'timeout' })
})

t.test('a 429 with Retry-After is waited out and the same run goes on', async t => {
  const { fake, job, stepper, pageRequests, idsOf } = await setup(t)
  const added = fake.addResponses(job.id, 25)
  const pages = stepper(null)
  const got: ResponsePage[] = [(await pages.next()).value as ResponsePage]
  fake.server.inject({ match: /responses/, status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ id: 'too_many_requests', message: 'Too many requests' }] } })
  const started = Date.now()
  for (let next = await pages.next(); next.done !== true; next = await pages.next()) got.push(next.value)
  t.ok(Date.now() - started >= 950, 'waited the second Work.ua asked for')
  t.same(idsOf(got), added.filter(transferred).map(r => String(r.id)), 'every response, in one run')
  t.equal(pageRequests()[1]!.last_id, pageRequests()[2]!.last_id, 'the refused page asked again')
})

t.test('Work.ua\'s one-minute IP block ends the run as rate_limited, the pages before kept', async t => {
  const { fake, job, stepper } = await setup(t)
  fake.addResponses(job.id, 15)
  const pages = stepper(null)
  const first = await pages.next()
  t.equal(first.done, false)
  fake.rateLimit.perSecond = 0 // the next request is one too many: the IP is blocked, no Retry-After
  t.match(checkFailure(t, await pages.next().then(() => null, (e: unknown) => e)), { kind: 'rate_limited', boardStatus: 429, retryAfterMs: 60_000 })
})

t.test('requests are spaced under Work.ua\'s 50 per second, even across parallel runs', async t => {
  const { fake, adapter, session, account, idsOf } = await setup(t, { responsesPageSize: 5 })
  const jobs = [fake.addJob(), fake.addJob(), fake.addJob(), fake.addJob()]
  const added = jobs.map(job => fake.addResponses(job.id, 60))
  const started = Date.now()
  const runs = await Promise.all(jobs.map(async job => {
    const pages: ResponsePage[] = []
    for await (const page of adapter.pageThroughResponses(session, account, String(job.id), null)) pages.push(page)
    return pages
  }))
  t.equal(fake.calls.length, 52, '13 requests per job (12 full pages and the 404)')
  t.notOk(fake.calls.some(c => c.status === 429), 'Work.ua never blocked the address')
  t.ok(Date.now() - started >= 1000, 'they took more than a second')
  runs.forEach((pages, i) => t.same(idsOf(pages), added[i]!.filter(transferred).map(r => String(r.id))))
})

t.test('a password changed on Work.ua mid-run: invalid_credentials, then the run resumes with the new one', async t => {
  const { fake, job, store, stepper, run, idsOf } = await setup(t)
  const added = fake.addResponses(job.id, 25)
  const pages = stepper(null)
  const first = (await pages.next()).value as ResponsePage
  const changed = secretPassword()
  fake.accounts.get(fake.defaultLogin)!.password = changed
  // Work.ua has HTTP Basic only: nothing to refresh, the run ends on the refusal
  t.match(checkFailure(t, await pages.next().then(() => null, (e: unknown) => e)), { kind: 'invalid_credentials', boardStatus: 401, isCredentialProblem: true })
  await store.update(async latest => ({ ...latest, password: changed }))
  const rest = await run(first.cursor)
  t.same([...idsOf([first]), ...idsOf(rest)], added.filter(transferred).map(r => String(r.id)), 'read from the store on every page')
})

t.test('what Work.ua sends is checked before it is trusted', async t => {
  const { fake, job, stepper } = await setup(t)
  const added = fake.addResponses(job.id, 15)
  const failing = async (body: unknown, mode?: 'malformed'): Promise<BoardError> => {
    const pages = stepper(null)
    fake.server.inject(mode === undefined ? { match: /responses/, status: 200, body } : { match: /responses/, mode })
    return checkFailure(t, await pages.next().then(() => null, (e: unknown) => e))
  }
  const item = { ...added[0]! }
  t.match(await failing({ status: 'ok', items: [{ ...item, id: undefined }] }), { kind: 'bad_response', message: /unexpected response list \(GET \/jobs\/\d+\/responses\/\): \/items\/0/ })
  t.match(await failing({ status: 'ok', items: [{ ...item, date: '15.01.2025' }] }), { kind: 'bad_response', message: /\/items\/0\/date/ })
  t.match(await failing({ status: 'error', items: [] }), { kind: 'bad_response' })
  t.match(await failing(null, 'malformed'), { kind: 'bad_response', message: /malformed JSON/ })
  t.match(await failing({ status: 'ok', items: [{ ...item, job_id: job.id + 1 }] }), { kind: 'bad_response', message: /of job \d+ among the responses to job/ }, 'never another job\'s applicant')

  // a board that ignores last_id must not send the run round in circles
  const pages = stepper(null)
  t.equal((await pages.next()).done, false)
  fake.server.inject({ match: /responses/, status: 200, body: { status: 'ok', items: added.slice(0, 10) } })
  t.match(checkFailure(t, await pages.next().then(() => null, (e: unknown) => e)), { kind: 'bad_response', message: /last_id not honoured/ })
})

t.test('a cursor it cannot read starts over; a posting id that is no Work.ua job is not_found', async t => {
  const { fake, job, adapter, session, account, run, idsOf } = await setup(t)
  const added = fake.addResponses(job.id, 4)
  for (const cursor of ['garbage', '{"lastId":-1}', '{"page":2}', '[]']) {
    t.same(idsOf(await run(cursor)), added.filter(transferred).map(r => String(r.id)), `${cursor}: from the first response`)
  }
  const before = fake.server.requests.length
  for (const bad of ['abc', '0', '12/../../jobs/my', '']) {
    const error = await (async () => { for await (const page of adapter.pageThroughResponses(session, account, bad, null)) void page })().then(() => null, (e: unknown) => e)
    t.match(checkFailure(t, error), { kind: 'not_found' }, `"${bad}" is no Work.ua job id`)
  }
  t.equal(fake.server.requests.length, before, 'nothing sent for them')
})
