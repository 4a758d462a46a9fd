// Candidate sync on Djinni against the Djinni fake (no database): the people who applied to a job,
// page by page, mapped to our applications; a run killed after any page resumes from its cursor; the
// next run reads only what changed (with a look-back overlap); candidates updated while a run pages;
// Djinni down, slow, rate limiting or garbled mid-run. Djinni's API is private: the fake is the
// assumed contract of docs/boards.md (ordered by updated_at then id, `updated_since` inclusive).
import t, { type Test } from 'tap'
import { pino } from 'pino'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardAccount, BoardApplication, ResponsePage } from '../../src/boards/types.js'
import { createDjinniAdapter, DJINNI_LOOK_BACK_MS, type DjinniCredentials } from '../../src/boards/djinni/adapter.js'
import type { DjinniCandidate, DjinniFakeOptions } from '../fakes/djinni.js'
import { memoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const silent = pino({ level: 'silent' })

/** every key the tests hand out: no error may show one */
const secrets = new Set<string>()
let keys = 0
const secretKey = (): string => { const key = `djk-SECRET-${++keys}-${Math.random().toString(36).slice(2, 10)}`; secrets.add(key); return key }

function checkNoSecret (t: Test, error: unknown): BoardError {
  t.type(error, BoardError, 'fails with a BoardError')
  const shown = `${String(error)}\n${(error as Error | null)?.message ?? ''}\n${JSON.stringify(error)}`
  t.notOk([...secrets].some(secret => shown.includes(secret)), 'no key in the error')
  return error as BoardError
}

async function setup (t: Teardown, fakeOptions: DjinniFakeOptions = {}, env: Record<string, string> = {}) {
  const { fake, adapter } = await adapterHarness(t, 'djinni', {
    // a small max_limit: Djinni caps our `limit`, so a handful of candidates spans several pages
    fake: { maxLimit: 4, ...fakeOptions },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500', ...env },
    create: createDjinniAdapter
  })

  const djinniAccount = fake.addAccount({ key: secretKey(), companyName: 'Карпати Лабс' })
  const session: AccountSession<DjinniCredentials> = { key: `djinni:${djinniAccount.id}`, credentials: memoryStore({ keyName: 'jobsync', apiKey: djinniAccount.key }), log: silent }
  const account: BoardAccount = { externalId: String(djinniAccount.id), name: 'Карпати Лабс', email: djinniAccount.email }
  const job = fake.addJob({ status: 'active' }, djinniAccount.key)
  const jobId = String(job.id)

  const run = (cursor: string | null, postingId = jobId) => adapter.pageThroughResponses(session, account, postingId, cursor)
  /** every page of a run, or the pages yielded before it failed and the error */
  async function drain (cursor: string | null, afterPage?: (page: ResponsePage, index: number) => void) {
    const pages: ResponsePage[] = []
    try {
      for await (const page of run(cursor)) {
        pages.push(page)
        afterPage?.(page, pages.length - 1)
      }
    } catch (error) {
      return { pages, error }
    }
    return { pages, error: null }
  }
  async function pagesOf (cursor: string | null, afterPage?: (page: ResponsePage, index: number) => void): Promise<ResponsePage[]> {
    const { pages, error } = await drain(cursor, afterPage)
    if (error !== null) throw error
    return pages
  }
  const candidateRequests = () => fake.server.requests.filter(r => r.method === 'GET' && r.path === `/api/v2/jobs/${jobId}/candidates/`)
  /** the candidates Djinni lists for the job from `since`, in its order */
  const listed = (since?: string) => [...fake.candidates.values()]
    .filter(c => c.job_id === job.id && (since === undefined || Date.parse(c.updated_at) >= Date.parse(since)))
    .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id)

  return { fake, adapter, session, account, djinniAccount, job, jobId, run, drain, pagesOf, candidateRequests, listed }
}

const idsOf = (pages: ResponsePage[]): string[] => pages.flatMap(page => page.items.map(item => item.externalId))
const sinceOf = (cursor: string | null): string => (JSON.parse(cursor ?? 'null') as { since: string }).since

/** what a candidate Djinni generated ("First Last", every field filled or null) maps to */
function generated (c: DjinniCandidate): BoardApplication {
  const [first, last] = c.name.split(' ')
  return {
    externalId: String(c.id),
    appliedAt: c.created_at,
    updatedAt: c.updated_at,
    firstName: first ?? null,
    lastName: last ?? null,
    middleName: null,
    emails: c.email === null ? [] : [c.email],
    phones: c.phone === null ? [] : [c.phone],
    photoUrl: c.photo_url,
    birthDate: c.birth_date,
    resumeText: c.cv_text,
    resumeUrl: c.cv_url,
    coverLetter: c.cover_letter,
    skills: c.skills,
    url: c.url,
    raw: c
  }
}

t.test('every candidate over several pages, mapped field by field, with everything Djinni sent kept in raw', async t => {
  const { fake, job, pagesOf, candidateRequests, listed, djinniAccount } = await setup(t)
  const [kyivTime, naive, patronymicMiddle, bare, twoLast] = fake.addCandidates(job.id, [
    { name: 'Олена Шевченко', created_at: '2024-03-10T12:30:00+02:00', phone: '(067) 123-45-67', email: ' Olena.Shevchenko@Gmail.com ', birth_date: '1990-02-28', skills: ['TypeScript', ' Node.js ', ''] },
    { name: 'Шевченко Олена Петрівна', created_at: '2024-03-10T12:30:00' },
    { name: 'Іван Петрович Коваленко', created_at: '2024-07-01T09:15:30.250+03:00', birth_date: '1985-11-03T00:00:00Z' },
    { name: 'Taras', email: null, phone: null, photo_url: null, cv_url: null, cv_text: '', cover_letter: '  ', birth_date: null, skills: [], linkedin: null, github: null },
    { name: '  Anna   Maria Kowalska ', birth_date: 'не вказано' }
  ])
  const rest = fake.addCandidates(job.id, 6)
  t.equal(listed().length, 11)

  const pages = await pagesOf(null)
  // each call after the first starts on the last candidate handed out (the check that nothing moved): 4 + 3 + 3 + 1
  t.same(pages.map(p => p.items.length), [4, 3, 3, 1], '11 candidates, Djinni sending 4 a page')
  t.ok(pages.every(p => Object.keys(p.skipped).length === 0), 'Djinni has no rule that skips a response')
  const items = pages.flatMap(p => p.items)
  t.same(items.map(i => i.externalId), listed().map(c => String(c.id)), 'in Djinni\'s order, each once')

  const byId = new Map(items.map(i => [i.externalId, i]))
  const mapped = (c: DjinniCandidate | undefined): BoardApplication | undefined => byId.get(String(c?.id))

  t.same(mapped(kyivTime), {
    externalId: String(kyivTime?.id),
    appliedAt: '2024-03-10T10:30:00.000Z',
    updatedAt: kyivTime?.updated_at,
    firstName: 'Олена',
    lastName: 'Шевченко',
    middleName: null,
    emails: [' Olena.Shevchenko@Gmail.com '],
    phones: ['(067) 123-45-67'],
    photoUrl: kyivTime?.photo_url,
    birthDate: '1990-02-28',
    resumeText: kyivTime?.cv_text,
    resumeUrl: kyivTime?.cv_url,
    coverLetter: kyivTime?.cover_letter,
    skills: ['TypeScript', 'Node.js'],
    url: `https://djinni.co/home/inbox/${kyivTime?.id}/`,
    raw: kyivTime
  }, 'a time with an offset becomes UTC; email and phone as typed (the service normalises them)')
  t.match(mapped(naive), { appliedAt: '2024-03-10T12:30:00.000Z', firstName: 'Олена', lastName: 'Шевченко', middleName: 'Петрівна' },
    'a time without a zone is UTC (assumed contract); "Last First Patronymic" read the Ukrainian way')
  t.match(mapped(patronymicMiddle), { appliedAt: '2024-07-01T06:15:30.250Z', firstName: 'Іван', middleName: 'Петрович', lastName: 'Коваленко', birthDate: '1985-11-03' })
  t.same(mapped(bare), {
    ...generated(bare as DjinniCandidate),
    firstName: 'Taras',
    lastName: null,
    resumeText: null,
    coverLetter: null
  }, 'one word is a first name; what the candidate left empty is null or []')
  t.match(mapped(twoLast), { firstName: 'Anna', lastName: 'Maria Kowalska', middleName: null, birthDate: null }, 'an unreadable birth date is null, raw keeps it')
  t.equal((mapped(twoLast)?.raw as DjinniCandidate).birth_date, 'не вказано')
  for (const c of rest) t.same(mapped(c), generated(c), `generated candidate ${c.id}`)
  t.same(Object.keys(mapped(rest[0])?.raw as object).sort(), Object.keys(rest[0] as object).sort(), 'raw has every field, linkedin and english level included')

  const requests = candidateRequests()
  t.equal(requests.length, 4, 'one call per page')
  t.equal(requests[0]?.query.get('updated_since'), null, 'a null cursor asks for everything')
  t.equal(requests[0]?.query.get('limit'), '100')
  t.ok(requests.every(r => r.headers['x-api-key'] === djinniAccount.key))

  t.same(sinceOf(pages.at(-1)?.cursor ?? null), new Date(Date.parse(listed().at(-1)?.updated_at ?? '') - DJINNI_LOOK_BACK_MS).toISOString(),
    'the last cursor: the newest updated_at minus the look-back')
  t.same(Object.keys(JSON.parse(pages.at(-1)?.cursor ?? '{}') as object).sort(), ['since', 'v'], 'nothing to skip after the look-back')

  // the same run, read again with nothing stored: the same items
  t.same(idsOf(await pagesOf(null)), items.map(i => i.externalId))
})

t.test('a run killed after any page resumes from its cursor with exactly the candidates not yet handed out', async t => {
  const { fake, job, pagesOf, candidateRequests } = await setup(t, { maxLimit: 3 })
  fake.addCandidates(job.id, 10)
  const pages = await pagesOf(null)
  t.same(pages.map(p => p.items.length), [3, 2, 2, 2, 1], 'after page 1, each call starts on the last one handed out')
  const all = idsOf(pages)
  t.equal(new Set(all).size, 10)

  for (let k = 0; k < pages.length - 1; k++) {
    const before = candidateRequests().length
    const resumed = await pagesOf(pages[k]?.cursor ?? null)
    t.same(idsOf(resumed), idsOf(pages.slice(k + 1)), `after page ${k + 1}: the rest, nothing lost, nothing repeated`)
    t.same(idsOf([...pages.slice(0, k + 1), ...resumed]), all, 'the union is the whole list')
    t.equal(candidateRequests().length - before, pages.length - 1 - k, 'one call per remaining page')
    const first = candidateRequests()[before]
    const cursor = JSON.parse(pages[k]?.cursor ?? '{}') as { since: string, position: number }
    t.equal(first?.query.get('updated_since'), cursor.since, 'keyset: from the last updated_at handed out')
    t.equal(first?.query.get('offset'), cursor.position > 1 ? String(cursor.position - 1) : null, 'starting on the last one handed out, which is checked and skipped')
  }
  t.same(pages.at(-1)?.cursor, (await pagesOf(pages.at(-2)?.cursor ?? null)).at(-1)?.cursor, 'a resumed run ends on the same final cursor')
})

t.test('the next run reads only what changed since, with a look-back overlap; new applicants are picked up', async t => {
  const { fake, job, pagesOf, candidateRequests, listed } = await setup(t)
  // eight applicants two minutes apart
  const first = []
  for (let i = 0; i < 8; i++) {
    first.push(...fake.addCandidates(job.id, 1))
    fake.advanceClock(120)
  }
  const run1 = await pagesOf(null)
  t.equal(idsOf(run1).length, 8)
  const cursor1 = run1.at(-1)?.cursor ?? null
  const since1 = sinceOf(cursor1)
  t.equal(Date.parse(since1), Date.parse(first[7]?.updated_at ?? '') - DJINNI_LOOK_BACK_MS)

  fake.advanceClock(3600)
  const run2 = await pagesOf(cursor1)
  t.same(idsOf(run2), listed(since1).map(c => String(c.id)), 'nothing changed: only the overlap')
  t.same(idsOf(run2), first.slice(5).map(c => String(c.id)), 'the three of the last five minutes')
  t.equal(run2.at(-1)?.cursor, cursor1, 'the same final cursor: the overlap does not creep back run after run')
  t.equal(candidateRequests().at(-1)?.query.get('updated_since'), since1)
  t.equal(candidateRequests().at(-1)?.query.get('offset'), null)

  // an old application changes, two new people apply
  const changed = fake.updateCandidate(first[1]?.id ?? 0, { phone: '+380 67 000 11 22', cv_text: 'Оновлене резюме: 6 років з Node.js.' })
  fake.advanceClock(60)
  const newcomers = fake.addCandidates(job.id, 2)
  const run3 = await pagesOf(run2.at(-1)?.cursor ?? null)
  const ids3 = idsOf(run3)
  t.same(ids3, listed(since1).map(c => String(c.id)))
  t.ok(ids3.includes(String(changed.id)) && newcomers.every(c => ids3.includes(String(c.id))), 'the changed one and the newcomers')
  t.notOk(first.slice(0, 5).some(c => c.id !== changed.id && ids3.includes(String(c.id))), 'no unchanged older candidate')
  t.match(run3.flatMap(p => p.items).find(i => i.externalId === String(changed.id)), {
    phones: ['+380 67 000 11 22'], resumeText: 'Оновлене резюме: 6 років з Node.js.', updatedAt: changed.updated_at
  })

  fake.advanceClock(3600)
  const run4 = await pagesOf(run3.at(-1)?.cursor ?? null)
  t.same(new Set(idsOf(run4)), new Set([changed, ...newcomers].map(c => String(c.id))), 'then only the overlap of that run')
})

t.test('a job nobody applied to yields one empty page; the first applicant comes on the next run', async t => {
  const { fake, job, pagesOf } = await setup(t)
  const empty = await pagesOf(null)
  t.same(empty, [{ items: [], skipped: {}, cursor: null }], 'one page, so the run has a final cursor (still: everything)')

  const [first] = fake.addCandidates(job.id, 1)
  const next = await pagesOf(empty[0]?.cursor ?? null)
  t.same(idsOf(next), [String(first?.id)])
})

t.test('candidates updated while the run pages through them are handed out again, and none is lost', async t => {
  const { fake, job, pagesOf, listed } = await setup(t, { maxLimit: 3 })
  fake.addCandidates(job.id, 10)
  const order = listed()
  const seenEarly = order[0]
  const unseen = order[7]
  const pages = await pagesOf(null, (_page, index) => {
    if (index !== 0) return
    // after page 1: one already handed out and one still ahead are edited on Djinni
    fake.updateCandidate(seenEarly?.id ?? 0, { cover_letter: 'Доповнив супровідний лист.' })
    fake.updateCandidate(unseen?.id ?? 0, { phone: '+380 50 111 22 33' })
  })
  const ids = idsOf(pages)
  t.same(new Set(ids), new Set(order.map(c => String(c.id))), 'every candidate')
  t.equal(ids.filter(id => id === String(seenEarly?.id)).length, 2, 'the edited one seen before comes again, with the edit')
  t.equal(ids.filter(id => id === String(unseen?.id)).length, 1)
  t.match(pages.flatMap(p => p.items).filter(i => i.externalId === String(seenEarly?.id)).at(-1), { coverLetter: 'Доповнив супровідний лист.' })
  t.match(pages.flatMap(p => p.items).find(i => i.externalId === String(unseen?.id)), { phones: ['+380 50 111 22 33'] })
})

t.test('a group of candidates sharing one updated_at: an edit inside it while paging loses nobody', async t => {
  const { fake, job, pagesOf, drain, candidateRequests, listed } = await setup(t, { maxLimit: 3 })
  const at = new Date(fake.now().getTime() - 3_600_000).toISOString()
  // a bulk import on Djinni's side: seven applications saved at the same instant
  fake.addCandidates(job.id, Array.from({ length: 7 }, () => ({ created_at: at, updated_at: at })))
  fake.addCandidates(job.id, 3)
  const order = listed().map(c => String(c.id))

  // a clean run: the group is paged through with offsets inside it
  const clean = await pagesOf(null)
  t.same(idsOf(clean), order)
  t.match(JSON.parse(clean[1]?.cursor ?? '{}'), { since: at, position: 5 }, 'five of the group handed out')

  // run 2 from the start: after page 1 the first of the group is edited, the group shrinks under the offset
  const edits: number[] = []
  const shifted = await pagesOf(null, (_page, index) => {
    if (index === 0) edits.push(fake.updateCandidate(Number(order[0]), { cv_text: 'нове' }).id)
  })
  const ids = idsOf(shifted)
  t.same(new Set(ids), new Set(order), 'nobody lost')
  t.same(ids.slice(0, 6), order.slice(0, 6), 'the group in order, none skipped after the shift')
  t.equal(ids.filter(id => id === order[0]).length, 2, 'the edited one again at the end')

  // a run killed inside the group, resumed after another edit in it: the cursor notices and re-reads the group
  const killed = await drain(null, (_page, index) => { if (index === 0) throw new Error('killed') })
  const cursor = killed.pages[0]?.cursor ?? null
  fake.updateCandidate(Number(order[1]), { cv_text: 'ще новіше' })
  const before = candidateRequests().length
  const resumed = await pagesOf(cursor)
  const resumedIds = idsOf(resumed)
  t.same(new Set([...idsOf(killed.pages), ...resumedIds]), new Set(order), 'nobody lost')
  t.same(resumedIds.slice(0, 4), listed().map(c => String(c.id)).filter(id => !idsOf(killed.pages).includes(id)).slice(0, 4), 'from the first not handed out')
  t.equal(candidateRequests()[before]?.query.get('offset'), '2', 'asked where the last one handed out was')
  t.equal(candidateRequests()[before + 1]?.query.get('offset'), null, 'it had moved: the group read again from its start')
})

t.test('Djinni failing on page N: the pages before it are yielded, the BoardError ends the run, the cursor resumes', async t => {
  for (const fault of [{ status: 500 }, { status: 502, body: '<html>Bad gateway</html>' }, { mode: 'timeout' as const }]) {
    await t.test(JSON.stringify(fault), async t => {
      const { fake, job, drain, pagesOf, listed } = await setup(t, { maxLimit: 3 })
      fake.addCandidates(job.id, 10)
      const { pages, error } = await drain(null, (_page, index) => {
        // every attempt at page 3 fails (the client retries once)
        if (index === 1) fake.server.inject({ match: /candidates/, times: 2, ...fault })
      })
      t.equal(pages.length, 2, 'pages 1 and 2 reached the service')
      const boardError = checkNoSecret(t, error)
      t.equal(boardError.kind, fault.mode === 'timeout' ? 'timeout' : 'unavailable')
      const rest = await pagesOf(pages[1]?.cursor ?? null)
      t.same([...idsOf(pages), ...idsOf(rest)], listed().map(c => String(c.id)), 'the next run carries on from page 3')
    })
  }
})

t.test('429 with Retry-After: the run waits and goes on; a wait too long ends it as rate_limited', async t => {
  const { fake, job, drain, pagesOf, candidateRequests, listed } = await setup(t, { maxLimit: 3 }, { BOARD_MAX_RETRY_AFTER_MS: '5000' })
  fake.addCandidates(job.id, 7)
  const started = Date.now()
  const pages = await pagesOf(null, (_page, index) => {
    if (index === 0) fake.server.inject({ match: /candidates/, status: 429, headers: { 'retry-after': '1' }, body: { detail: 'Request was throttled. Expected available in 1 second.' } })
  })
  t.same(idsOf(pages), listed().map(c => String(c.id)), 'the same run, every candidate')
  t.ok(Date.now() - started >= 900, 'waited as asked')
  const requests = candidateRequests()
  t.equal(requests.length, 4, 'page 2 asked twice')
  t.equal(requests[1]?.query.toString(), requests[2]?.query.toString())

  const { pages: before, error } = await drain(null, (_page, index) => {
    if (index === 0) fake.server.inject({ match: /candidates/, status: 429, headers: { 'retry-after': '3600' } })
  })
  t.equal(before.length, 1)
  const limited = checkNoSecret(t, error)
  t.equal(limited.kind, 'rate_limited')
  t.equal(limited.retryAfterMs, 3_600_000)
})

t.test('a revoked key, a blocked account, a job that is gone or not ours: errors without the key', async t => {
  const { fake, job, drain, run, djinniAccount, candidateRequests } = await setup(t)
  fake.addCandidates(job.id, 2)

  // Djinni API keys do not expire and there is nothing to refresh: a refused key ends the run
  const other = fake.addAccount({ key: secretKey() })
  fake.accounts.delete(djinniAccount.key)
  const revoked = await drain(null)
  t.equal(revoked.pages.length, 0)
  t.equal(checkNoSecret(t, revoked.error).kind, 'invalid_credentials')
  fake.accounts.set(djinniAccount.key, djinniAccount)

  fake.blockAccount(djinniAccount.key)
  t.equal(checkNoSecret(t, (await drain(null)).error).kind, 'account_blocked')
  fake.blockAccount(djinniAccount.key, false)

  const foreign = fake.addJob({ status: 'active' }, other.key)
  fake.addCandidates(foreign.id, 1)
  const notOurs = await (async () => { try { for await (const _ of run(null, String(foreign.id))) void _ } catch (e) { return e } return null })()
  t.equal(checkNoSecret(t, notOurs).kind, 'not_found', 'another company\'s job')

  const requests = candidateRequests().length
  const badId = await (async () => { try { for await (const _ of run(null, 'abc')) void _ } catch (e) { return e } return null })()
  t.equal(checkNoSecret(t, badId).kind, 'not_found', 'not a Djinni job id')
  t.equal(candidateRequests().length, requests, 'and not asked')

  fake.removeJob(job.id)
  t.equal(checkNoSecret(t, (await drain(null)).error).kind, 'not_found', 'removed by Djinni')
})

t.test('an answer that is not a candidate page is a bad_response', async t => {
  const { fake, job, drain } = await setup(t)
  fake.addCandidates(job.id, 1)
  const bodies = [
    { count: 1, next: null, results: [{ id: 5, name: 'Без дати' }] },
    { count: 1, next: null, results: [{ id: 5, updated_at: 'вчора' }] },
    { count: 1, next: null, results: [{ id: 'x', updated_at: '2024-01-01T00:00:00Z' }] },
    { count: 1, next: null, results: [{ id: 5, updated_at: '2024-01-01T00:00:00Z', skills: 'Go' }] },
    { detail: 'ok' }
  ]
  for (const body of bodies) {
    fake.server.inject({ match: /candidates/, status: 200, body })
    const { pages, error } = await drain(null)
    t.equal(pages.length, 0)
    t.equal(checkNoSecret(t, error).kind, 'bad_response', JSON.stringify(body))
  }
  fake.server.inject({ match: /candidates/, mode: 'truncated' })
  t.equal(checkNoSecret(t, (await drain(null)).error).kind, 'bad_response', 'truncated JSON')
})

t.test('a cursor that is not ours reads every candidate again', async t => {
  const { fake, job, pagesOf, listed } = await setup(t)
  fake.addCandidates(job.id, 5)
  for (const cursor of ['garbage', '{"v":2,"since":"2024-01-01T00:00:00Z"}', '{"v":1,"since":null,"lastId":3,"position":1}', '{"v":1,"since":"2024-01-01T00:00:00Z","lastId":3}']) {
    t.same(idsOf(await pagesOf(cursor)), listed().map(c => String(c.id)), cursor)
  }
})

t.test('a Djinni that sends one candidate a page still gets through (no call spent on the check alone loops)', async t => {
  const { fake, job, pagesOf, listed } = await setup(t, { maxLimit: 1 })
  fake.addCandidates(job.id, 3)
  const pages = await pagesOf(null)
  t.same(idsOf(pages), listed().map(c => String(c.id)))
  t.same(idsOf(await pagesOf(pages[0]?.cursor ?? null)), listed().slice(1).map(c => String(c.id)))
})
