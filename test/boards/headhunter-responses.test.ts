// Pulling HeadHunter responses against the HeadHunter fake (no database): every collection of the
// vacancy walked page by page, each item mapped from its full resume and first message, the cursor
// resuming a killed run and making the next run open only the resumes of what changed, the view
// quota, hh's faults, and the token renewed mid-run. Every request is checked against hh's spec.
import t from 'tap'
import { request } from 'undici'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage } from '../../src/boards/types.js'
import { createHeadHunterAdapter, type HeadHunterCredentials, type HeadHunterResponsesOptions } from '../../src/boards/headhunter/adapter.js'
import { type ResponseSeed, type SeededResponse } from '../fakes/headhunter/index.js'
import { memoryStore, type MemoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const DAY = 86_400_000

async function setup (t: Teardown, { env = {}, responses = { perPage: 5 } }: { env?: Record<string, string>, responses?: HeadHunterResponsesOptions } = {}) {
  const { fake, config, adapter, log, logs: logLines, requestsTo } = await adapterHarness(t, 'headhunter', {
    env: { BOARD_MAX_RETRIES: '2', ...env },
    create: deps => createHeadHunterAdapter(deps, { responses })
  })

  /** an installed employer account with one published vacancy */
  async function install () {
    const hh = fake.addEmployerAccount()
    const store: MemoryStore<HeadHunterCredentials> = memoryStore(await adapter.connect({ code: fake.issueAuthCode(hh.key) }, `install:${hh.key}`))
    const session: AccountSession<HeadHunterCredentials> = { key: hh.key, credentials: store, log }
    const account: BoardAccount = await adapter.checkAccount(session)
    const posting = await adapter.publish(session, account, {
      title: `Backend-разработчик №${hh.key}`,
      description: '<p>Мы ищем backend-разработчика в команду платформы.</p><ul><li>Node.js и TypeScript каждый день</li><li>PostgreSQL, очереди, интеграции с внешними API</li></ul><p>Удалённо или в офисе в Москве, гибкий график, оплачиваемое обучение и конференции.</p>',
      fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' },
      publicationType: 'free'
    })
    return { hh, store, session, account, vacancyId: posting.externalId }
  }

  /** a recruiter moves a response on hh.ru (the fake's PUT of a state action) */
  async function moveResponse (store: MemoryStore<HeadHunterCredentials>, negotiationId: string, to: string): Promise<void> {
    const res = await request(`${fake.apiUrl}/negotiations/${to}/${negotiationId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${store.current().accessToken}`, 'hh-user-agent': config.boards.settings.headhunter.HH_USER_AGENT }
    })
    await res.body.dump()
    if (res.statusCode !== 204) throw new Error(`move failed: ${res.statusCode}`)
  }
  return { fake, config, adapter, install, requestsTo, logLines, moveResponse }
}

/** old applicants (days ago), so a later run's watermark is well past them */
const oldSeeds = (n: number, daysAgo = 3): ResponseSeed[] =>
  Array.from({ length: n }, (_, k) => ({ createdAt: new Date(Date.now() - daysAgo * DAY + k * 60_000) }))

async function drain (pages: AsyncIterable<ResponsePage>): Promise<ResponsePage[]> {
  const all: ResponsePage[] = []
  for await (const page of pages) all.push(page)
  return all
}
const idsOf = (pages: ResponsePage[]): string[] => pages.flatMap(p => p.items.map(i => i.externalId))
const sorted = (ids: string[]): string[] => [...ids].sort()
const byId = (pages: ResponsePage[]): Map<string, BoardApplication> => new Map(pages.flatMap(p => p.items).map(i => [i.externalId, i]))

t.test('every collection, every page: each response mapped field by field, raw kept', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account, vacancyId } = await install()
  const [full, hidden, phoneOnly] = fake.addResponses(vacancyId, [
    {
      firstName: 'Олена',
      lastName: 'Коваленко',
      middleName: 'Петрівна',
      email: 'olena.kovalenko@example.com',
      phone: { country: '380', city: '67', number: '1234567' },
      birthDate: '1990-04-05',
      title: 'Backend-разработчик',
      skills: ['TypeScript', 'PostgreSQL'],
      coverLetter: 'Добрий день! Хочу у вашу команду.',
      hiddenResume: false,
      createdAt: new Date('2026-03-01T09:30:00Z')
    },
    { firstName: 'Скрытый', lastName: 'Кандидат', hiddenResume: true, coverLetter: 'Резюме скрыто, но письмо есть', createdAt: new Date('2026-03-01T10:00:00Z') },
    { firstName: 'Иван', lastName: 'Петров', middleName: null, email: null, phone: { country: '7', city: '916', number: '5550011' }, coverLetter: null, hiddenResume: false, createdAt: new Date('2026-03-01T11:00:00Z') }
  ]) as [SeededResponse, SeededResponse, SeededResponse]
  const others = [
    ...fake.addResponses(vacancyId, 9),
    ...fake.addResponses(vacancyId, 4, 'consider'),
    ...fake.addResponses(vacancyId, 2, 'discard_by_employer')
  ]
  const all = [full, hidden, phoneOnly, ...others]

  const pages = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.same(sorted(idsOf(pages)), sorted(all.map(r => r.negotiationId)), 'every response of every collection, once')
  t.equal(pages.length, 3 + 1 + 1, 'response: 12 in pages of 5; consider: 4; discard: 2; empty collections not read')
  t.ok(pages.every(p => p.items.length <= 5 && Object.keys(p.skipped).length === 0), 'hh has no filtering rules: nothing skipped')
  t.ok(pages.slice(0, -1).every(p => p.cursor !== null && JSON.parse(p.cursor).run !== undefined), 'a run in progress until the last page')
  t.notOk(JSON.parse(pages.at(-1)!.cursor!).run, 'the last page carries the next run\'s cursor')

  // each collection's URL as hh gives it (collections[].order_types[].url: hh's activity order), paged
  const lists = requestsTo(/^GET \/negotiations\/[a-z_]+$/)
  const order = 'order_by=last_change_time_except_employer_inbox'
  t.same(lists.map(r => `${r.path}?${r.query.toString()}`), [
    `/negotiations/response?vacancy_id=${vacancyId}&${order}&page=0&per_page=5`,
    `/negotiations/response?vacancy_id=${vacancyId}&${order}&page=1&per_page=5`,
    `/negotiations/response?vacancy_id=${vacancyId}&${order}&page=2&per_page=5`,
    `/negotiations/consider?vacancy_id=${vacancyId}&${order}&page=0&per_page=5`,
    `/negotiations/discard_by_employer?vacancy_id=${vacancyId}&${order}&page=0&per_page=5`
  ])
  const visible = all.filter(r => !r.hiddenResume)
  const opened = requestsTo(/^GET \/resumes\//)
  t.same(sorted(opened.map(r => r.path)), sorted(visible.map(r => `/resumes/${r.resumeId}`)), 'each visible resume opened once; none for a hidden one')
  t.ok(opened.every(r => /^\d+$/.test(r.query.get('topic_id') ?? '')), 'through the response\'s own resume URL (`?topic_id=`)')
  t.ok(visible.every(r => fake.viewedByEmployer(r.negotiationId)), 'which hh shows the applicant as viewed (openResumes defaults to true)')
  t.ok(requestsTo(/^GET \/negotiations\/\d+\/messages$/).every(r => r.query.get('with_text_only') === 'true'), 'cover letters: the messages with text only')
  t.equal(requestsTo(/^GET \/negotiations\/\d+\/messages$/).length, all.filter(r => r.coverLetter !== null).length, 'messages read only where there are some')

  const apps = byId(pages)
  const a = apps.get(full.negotiationId)!
  t.match(a, {
    externalId: full.negotiationId,
    appliedAt: '2026-03-01T09:30:00.000Z', // hh sent 2026-03-01T12:30:00+0300
    updatedAt: '2026-03-01T09:30:00.000Z',
    firstName: 'Олена',
    lastName: 'Коваленко',
    middleName: 'Петрівна',
    emails: ['olena.kovalenko@example.com'],
    phones: ['+380 (67) 123-45-67'],
    birthDate: '1990-04-05',
    // the full resume's link on the API host, as the spec's example of a resume has it
    resumeUrl: `${fake.apiUrl}/resumes/${full.resumeId}/download/${encodeURIComponent('Коваленко Олена')}.pdf?type=pdf`,
    coverLetter: 'Добрий день! Хочу у вашу команду.',
    skills: ['TypeScript', 'PostgreSQL'],
    url: `https://hh.ru/resume/${full.resumeId}`
  })
  t.match(a.resumeText, /^Backend-разработчик\n\nОпыт: TypeScript, PostgreSQL\n\nBackend-разработчик, ООО «Ромашка» \(2019-03-01 – now\)$/)
  const rawA = a.raw as { negotiation: Record<string, any>, resume: Record<string, any>, firstMessage: Record<string, any> }
  t.equal(rawA.negotiation.id, full.negotiationId)
  t.equal(rawA.negotiation.created_at, '2026-03-01T12:30:00+0300', 'raw keeps hh\'s own time')
  t.ok(Array.isArray(rawA.negotiation.actions), 'raw keeps the state actions (outcomes need their urls)')
  t.equal(rawA.resume.id, full.resumeId)
  t.same(rawA.resume.contact.map((c: { type: { id: string } }) => c.type.id), ['cell', 'email'])
  t.equal(rawA.firstMessage.text, 'Добрий день! Хочу у вашу команду.')
  t.equal(a.photoUrl, rawA.resume.photo?.medium ?? null, 'the medium photo (a temporary URL)')

  const h = apps.get(hidden.negotiationId)!
  t.match(h, {
    firstName: null, lastName: null, middleName: null, emails: [], phones: [], photoUrl: null, birthDate: null,
    resumeText: null, resumeUrl: null, skills: [], url: null, coverLetter: 'Резюме скрыто, но письмо есть'
  }, 'a hidden resume: still transferred, name unknown')
  t.same((h.raw as { negotiation: { resume: unknown }, resume: unknown }).negotiation.resume, null)
  t.equal((h.raw as { resume: unknown }).resume, null)

  t.match(apps.get(phoneOnly.negotiationId), { firstName: 'Иван', lastName: 'Петров', middleName: null, emails: [], phones: ['+7 (916) 555-00-11'], coverLetter: null })

  const photos = [...apps.values()].filter(app => app.photoUrl !== null)
  t.ok(photos.length > 0 && photos.every(app => /_medium\.jpeg\?t=\d+$/.test(app.photoUrl!)))
  for (const app of apps.values()) {
    t.match(app.appliedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/)
    const seeded = all.find(r => r.negotiationId === app.externalId)!
    if (!seeded.hiddenResume) t.match(app, { firstName: seeded.firstName, lastName: seeded.lastName, middleName: seeded.middleName, emails: seeded.email === null ? [] : [seeded.email], phones: seeded.phone === null ? [] : [seeded.phone.formatted] })
    t.equal(app.coverLetter, seeded.coverLetter)
  }
})

t.test('a phone without `formatted` is built from its parts; an employer\'s first message is no cover letter', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account, vacancyId } = await install()
  const [r] = fake.addResponses(vacancyId, [{ hiddenResume: false, coverLetter: null }]) as [SeededResponse]
  fake.server.inject({
    match: new RegExp(`^GET /resumes/${r.resumeId}$`),
    status: 200,
    body: {
      id: r.resumeId,
      first_name: 'Анна',
      last_name: 'Смирнова',
      middle_name: null,
      birth_date: 'not a date',
      contact: [
        { type: { id: 'cell', name: 'Мобильный' }, value: { country: '380', city: '44', number: '2223344', formatted: '' }, preferred: true },
        { type: { id: 'home', name: 'Домашний' }, value: null, preferred: false },
        { type: { id: 'email', name: 'Эл. почта' }, value: 'anna@example.com', preferred: false }
      ],
      photo: null,
      skill_set: []
    }
  })
  fake.server.inject({
    match: new RegExp(`^GET /negotiations/${r.negotiationId}/messages$`),
    status: 200,
    body: { items: [{ id: '1', author: { participant_type: 'employer' }, text: 'Приглашаем на интервью', created_at: '2026-03-01T12:30:00+0300' }], found: 1, page: 0, pages: 1, per_page: 1 }
  })
  fake.touchResponse(r.negotiationId, 'later message') // counters.messages > 0
  const [page] = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.match(page!.items[0], { firstName: 'Анна', phones: ['+380442223344'], emails: ['anna@example.com'], birthDate: null, photoUrl: null, coverLetter: null })
})

t.test('a run killed after any page resumes from that page\'s cursor: nothing lost, little fetched again', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account, vacancyId } = await install()
  const all = [...fake.addResponses(vacancyId, 12), ...fake.addResponses(vacancyId, 6, 'interview'), ...fake.addResponses(vacancyId, 1, 'hired')]
  const pages = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.equal(pages.length, 3 + 2 + 1)
  t.same(sorted(idsOf(pages)), sorted(all.map(r => r.negotiationId)))

  for (let i = 0; i < pages.length - 1; i++) {
    const before = fake.server.requests.length
    const rest = await drain(adapter.pageThroughResponses(session, account, vacancyId, pages[i]!.cursor))
    t.same(idsOf(rest), idsOf(pages.slice(i + 1)), `resumed after page ${i}: exactly the pages not yet stored`)
    t.notOk(JSON.parse(rest.at(-1)!.cursor!).run, 'and ends with the next run\'s cursor')
    const lists = fake.server.requests.slice(before).filter(r => /^\/negotiations\/[a-z_]+$/.test(r.path))
    t.equal(lists.length, pages.length - 1 - i, 'no page read again')
  }
  // the final cursors of a resumed run and of the whole run describe the same next run
  const final = JSON.parse(pages.at(-1)!.cursor!)
  t.same(Object.keys(final).sort(), ['known', 'overlapSeconds', 'v', 'watermark'])
  t.equal(final.overlapSeconds, 1800)
  t.ok(Date.parse(final.watermark) <= Date.now())
  t.ok(requestsTo(/^GET \/negotiations$/).length >= pages.length, 'the collection list is read again on each resume')
})

t.test('the next run opens only what is new or changed since the last completed run', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account, vacancyId } = await install()
  const old = fake.addResponses(vacancyId, oldSeeds(12))
  const oldConsider = fake.addResponses(vacancyId, oldSeeds(3), 'consider')
  const first = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.equal(idsOf(first).length, 15)
  const firstCursor = first.at(-1)!.cursor
  const watermark = Date.parse(JSON.parse(firstCursor!).watermark)

  // nothing changed: no resume opened, no message read, and hh's newest-first order ends the walk early
  let before = fake.server.requests.length
  const quiet = await drain(adapter.pageThroughResponses(session, account, vacancyId, firstCursor))
  t.same(idsOf(quiet), [])
  t.ok(quiet.length >= 1, 'still at least one page, carrying the cursor')
  const quietRequests = fake.server.requests.slice(before)
  t.same(quietRequests.filter(r => r.path.startsWith('/resumes/') || r.path.endsWith('/messages')), [])
  t.same(quietRequests.filter(r => /^\/negotiations\/[a-z_]+$/.test(r.path)).map(r => `${r.path} ${r.query.get('page')}`), ['/negotiations/response 0', '/negotiations/consider 0'],
    'one page per collection: the first item older than the watermark ends it')

  // changes: a new message on an old response, new applicants, one that surfaced late (updated
  // shortly before the last run began: the look-back overlap catches it)
  fake.touchResponse(old[7]!.negotiationId, 'Есть вопрос по зарплате')
  fake.touchResponse(oldConsider[1]!.negotiationId)
  const fresh = fake.addResponses(vacancyId, 2)
  const late = fake.addResponses(vacancyId, [{ createdAt: new Date(watermark - 10 * 60_000) }], 'consider')
  before = fake.server.requests.length
  const second = await drain(adapter.pageThroughResponses(session, account, vacancyId, quiet.at(-1)!.cursor))
  const changed = [old[7]!, oldConsider[1]!, ...fresh, ...late]
  t.same(sorted(idsOf(second)), sorted(changed.map(r => r.negotiationId)), 'only the new and the changed')
  const opened = fake.server.requests.slice(before).filter(r => r.path.startsWith('/resumes/')).map(r => r.path)
  t.same(sorted(opened), sorted(changed.filter(r => !r.hiddenResume).map(r => `/resumes/${r.resumeId}`)), 'resumes of unchanged responses are not opened again')
  t.equal(byId(second).get(old[7]!.negotiationId)!.updatedAt! > byId(first).get(old[7]!.negotiationId)!.updatedAt!, true)

  // and the run after that: nothing again, even though the changes sit inside the overlap
  before = fake.server.requests.length
  const third = await drain(adapter.pageThroughResponses(session, account, vacancyId, second.at(-1)!.cursor))
  t.same(idsOf(third), [])
  t.same(fake.server.requests.slice(before).filter(r => r.path.startsWith('/resumes/')), [])
})

t.test('a recruiter moving people during a run loses nobody', async t => {
  const { fake, adapter, install, moveResponse } = await setup(t)
  const { store, session, account, vacancyId } = await install()
  const seeded = fake.addResponses(vacancyId, oldSeeds(12))
  // the list is newest first: page 0 holds seeded[11..7], page 1 seeded[6..2]
  const run = adapter.pageThroughResponses(session, account, vacancyId, null)[Symbol.asyncIterator]()
  const page0 = (await run.next()).value as ResponsePage
  t.same(idsOf([page0]), seeded.slice(7).reverse().map(r => r.negotiationId))
  // two people on page 0 move to "discard": seeded[6] and [5] move up onto page 0, unread
  await moveResponse(store, seeded[10]!.negotiationId, 'discard_by_employer')
  await moveResponse(store, seeded[9]!.negotiationId, 'discard_by_employer')
  const rest: ResponsePage[] = [page0]
  for (let r = await run.next(); r.done !== true; r = await run.next()) rest.push(r.value)
  const ids = new Set(idsOf(rest))
  t.same(seeded.filter(r => !ids.has(r.negotiationId)), [], 'everyone seen in this run')

  // the moved ones changed: the next run brings them with their new state
  const next = await drain(adapter.pageThroughResponses(session, account, vacancyId, rest.at(-1)!.cursor))
  t.same(sorted(idsOf(next)), sorted([seeded[10]!.negotiationId, seeded[9]!.negotiationId]))
  t.ok(next.flatMap(p => p.items).every(i => (i.raw as { negotiation: { employer_state: { id: string } } }).negotiation.employer_state.id === 'discard_by_employer'))
})

t.test('a 5xx on page N: pages before it were yielded, the iterator throws, the cursor resumes at N', async t => {
  const { fake, adapter, install } = await setup(t)
  const { session, account, vacancyId } = await install()
  const all = fake.addResponses(vacancyId, 12)
  const got: ResponsePage[] = []
  const run = adapter.pageThroughResponses(session, account, vacancyId, null)
  const error = await (async () => {
    try {
      for await (const page of run) {
        got.push(page)
        // page 1 fails on every attempt (1 + BOARD_MAX_RETRIES)
        if (got.length === 1) fake.server.inject({ match: /^GET \/negotiations\/response$/, status: 503, times: 3 })
      }
    } catch (e) { return e }
  })()
  t.ok(error instanceof BoardError)
  t.match(error, { kind: 'unavailable', boardStatus: 503 })
  t.equal(got.length, 1)
  const rest = await drain(adapter.pageThroughResponses(session, account, vacancyId, got[0]!.cursor))
  t.same(sorted([...idsOf(got), ...idsOf(rest)]), sorted(all.map(r => r.negotiationId)), 'no item lost')
})

t.test('a timeout on page N ends the run with pages before it stored', async t => {
  const { fake, adapter, install } = await setup(t, { env: { BOARD_TIMEOUT_MS: '200', BOARD_MAX_RETRIES: '1' } })
  const { session, account, vacancyId } = await install()
  fake.addResponses(vacancyId, 8)
  const got: ResponsePage[] = []
  await t.rejects((async () => {
    for await (const page of adapter.pageThroughResponses(session, account, vacancyId, null)) {
      got.push(page)
      fake.server.inject({ match: /^GET \/negotiations\/response$/, mode: 'timeout', times: 2 })
    }
  })(), { kind: 'timeout', message: /did not answer within 200 ms/ })
  t.equal(got.length, 1)
  t.equal(got[0]!.items.length, 5)
})

t.test('a failure opening a resume mid-page keeps the part of the page already read', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account, vacancyId } = await install()
  const all = fake.addResponses(vacancyId, Array.from({ length: 8 }, () => ({ hiddenResume: false })))
  // newest first: page 1 holds all[2], all[1], all[0]; the second of them fails
  fake.server.inject({ match: new RegExp(`^GET /resumes/${all[1]!.resumeId}$`), status: 502, times: 3 })
  const got: ResponsePage[] = []
  await t.rejects((async () => { for await (const page of adapter.pageThroughResponses(session, account, vacancyId, null)) got.push(page) })(), { kind: 'unavailable', message: /answered 502/ })
  t.same(got.map(p => idsOf([p])), [all.slice(3).reverse().map(r => r.negotiationId), [all[2]!.negotiationId]])
  const opened = requestsTo(new RegExp(`^GET /resumes/${all[2]!.resumeId}$`)).length
  const rest = await drain(adapter.pageThroughResponses(session, account, vacancyId, got.at(-1)!.cursor))
  t.same(idsOf(rest), [all[1]!.negotiationId, all[0]!.negotiationId], 'resumes at the item that failed')
  t.equal(requestsTo(new RegExp(`^GET /resumes/${all[2]!.resumeId}$`)).length, opened, 'what was stored is not opened again')
})

t.test('429 with Retry-After: the same run waits and goes on', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { session, account, vacancyId } = await install()
  const all = fake.addResponses(vacancyId, 12)
  let injected = false
  const got: ResponsePage[] = []
  for await (const page of adapter.pageThroughResponses(session, account, vacancyId, null)) {
    got.push(page)
    if (!injected) {
      injected = true
      fake.server.inject({ match: /^GET \/negotiations\/response$/, status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ type: 'too_many_requests' }] } })
    }
  }
  t.same(sorted(idsOf(got)), sorted(all.map(r => r.negotiationId)))
  t.equal(requestsTo(/^GET \/negotiations\/response$/).filter(r => r.query.get('page') === '1').length, 2, 'page 1 asked again after the wait')
})

t.test('resume view quota spent: BoardError quota naming it; stored pages stay; the next run opens only the rest', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t)
  const { hh, store, session, account, vacancyId } = await install()
  const all = fake.addResponses(vacancyId, Array.from({ length: 9 }, () => ({ hiddenResume: false })))
  fake.setResumeViewQuota(hh.key, 7)
  const got: ResponsePage[] = []
  const error = await (async () => {
    try { for await (const page of adapter.pageThroughResponses(session, account, vacancyId, null)) got.push(page) } catch (e) { return e }
  })() as BoardError
  t.ok(error instanceof BoardError)
  t.match(error, { kind: 'quota', boardStatus: 429, message: /resume view quota is spent/ })
  t.equal(idsOf(got).length, 7, 'the 5 of page 0 and the 2 of page 1 opened before the quota ran out')
  for (const secret of [store.current().accessToken, store.current().refreshToken]) t.notOk(JSON.stringify({ ...error, message: error.message }).includes(secret), 'no token in the error')

  fake.setResumeViewQuota(hh.key, null) // the next day
  const before = requestsTo(/^GET \/resumes\//).length
  const rest = await drain(adapter.pageThroughResponses(session, account, vacancyId, got.at(-1)!.cursor))
  t.same(sorted([...idsOf(got), ...idsOf(rest)]), sorted(all.map(r => r.negotiationId)))
  t.equal(requestsTo(/^GET \/resumes\//).length - before, 2, 'only the two not yet transferred')
})

t.test('no paid API access: no_api_access, with hh\'s words', async t => {
  const { fake, adapter, install } = await setup(t)
  const { hh, session, account, vacancyId } = await install()
  fake.addResponses(vacancyId, [{ hiddenResume: false }])
  fake.setPaidApiAccess(hh.key, false)
  await t.rejects(drain(adapter.pageThroughResponses(session, account, vacancyId, null)), { kind: 'no_api_access', boardStatus: 403, message: /no paid API access \(api_access_payment\/action_must_be_payed/ })
})

t.test('the access token expires mid-run: renewed once, the run goes on', async t => {
  const { fake, adapter, install, logLines } = await setup(t)
  const { hh, store, session, account, vacancyId } = await install()
  const all = fake.addResponses(vacancyId, 12)
  const old = store.current()
  const got: ResponsePage[] = []
  for await (const page of adapter.pageThroughResponses(session, account, vacancyId, null)) {
    got.push(page)
    if (got.length === 1) fake.expireAccessTokens(hh.key)
  }
  t.same(sorted(idsOf(got)), sorted(all.map(r => r.negotiationId)))
  t.equal(fake.refreshCount, 1)
  t.not(store.current().accessToken, old.accessToken)
  t.equal(store.writes, 1)
  const logs = logLines.join('\n')
  for (const secret of [old.accessToken, old.refreshToken, store.current().accessToken, store.current().refreshToken]) {
    t.notOk(logs.includes(secret), 'no token in the logs')
    t.notOk(got.some(p => p.cursor?.includes(secret)), 'no token in a cursor')
  }
})

t.test('a vacancy without responses: one empty page with the final cursor, run after run', async t => {
  const { adapter, install } = await setup(t)
  const { session, account, vacancyId } = await install()
  const first = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.same(first.map(p => p.items), [[]])
  t.notOk(JSON.parse(first[0]!.cursor!).run)
  const second = await drain(adapter.pageThroughResponses(session, account, vacancyId, first[0]!.cursor))
  t.same(second.map(p => p.items), [[]])
})

t.test('hh\'s page size: 50 by default, 0-based pages', async t => {
  const { fake, adapter, install, requestsTo } = await setup(t, { responses: {} })
  const { session, account, vacancyId } = await install()
  fake.addResponses(vacancyId, 55)
  const pages = await drain(adapter.pageThroughResponses(session, account, vacancyId, null))
  t.same(pages.map(p => p.items.length), [50, 5])
  t.same(requestsTo(/^GET \/negotiations\/response$/).map(r => [r.query.get('page'), r.query.get('per_page')]), [['0', '50'], ['1', '50']])
})

t.test('errors: an unknown vacancy, a malformed page, an unreadable cursor', async t => {
  const { fake, adapter, install, logLines } = await setup(t)
  const { session, account, vacancyId } = await install()
  await t.rejects(drain(adapter.pageThroughResponses(session, account, '99999999', null)), { kind: 'not_found', message: /vacancy 99999999/ })

  const seeded = fake.addResponses(vacancyId, 2)
  fake.server.inject({ match: /^GET \/negotiations\/response$/, status: 200, body: { items: [{ id: 1 }], found: 1, page: 0, pages: 1, per_page: 5, ordered_by: { id: 'updated_at', name: 'x' } } })
  await t.rejects(drain(adapter.pageThroughResponses(session, account, vacancyId, null)), { kind: 'bad_response', message: /response list/ })

  const again = await drain(adapter.pageThroughResponses(session, account, vacancyId, '{"v":99}'))
  t.same(sorted(idsOf(again)), sorted(seeded.map(r => r.negotiationId)), 'an unreadable cursor: everything again')
  t.ok(logLines.some(line => line.includes('unreadable sync cursor')))
})
