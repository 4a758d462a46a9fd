// Candidate sync through the Robota.ua adapter against the Robota.ua fake (no database): folder 0
// (every apply, whatever its folder) paged through and mapped, Kyiv local times converted, runs
// resumed from every cursor, incremental runs that stop at the watermark, hidden phones, cover
// letters, and what the board's failures do to a run. The walk over a list of status folders
// (applies moving between them) is exercised with STATUS_FOLDERS.
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { BoardError } from '../../src/boards/errors.js'
import type { AccountSession, BoardApplication, ResponsePage } from '../../src/boards/types.js'
import { createRobotauaAdapter, ROBOTAUA_FOLDERS, type RobotauaCredentials } from '../../src/boards/robotaua/adapter.js'
import { birthDateOf, kyivTimeToIso } from '../../src/boards/robotaua/responses.js'
import { ROBOTA_FOLDERS, type RobotaApply, type RobotaFakeOptions } from '../fakes/robotaua.js'
import { memoryStore } from '../helpers/credential-store.js'
import { adapterHarness } from '../helpers/adapter-harness.js'

const LIST = /^POST \/api\/apply\/list$/
const HOUR = 60 * 60_000
/** status folders in the order recruiters move applies through them: unviewed, viewed, rejected, hired */
const STATUS_FOLDERS = [ROBOTA_FOLDERS.unviewed, ROBOTA_FOLDERS.viewed, ROBOTA_FOLDERS.rejected, ROBOTA_FOLDERS.hired]
const KYIV = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
})
/** the instant as Kyiv wall-clock time, the way the board writes it (ms kept) */
const asKyivWallClock = (iso: string): string => {
  const ms = Date.parse(iso)
  return `${KYIV.format(new Date(ms)).replace(' ', 'T')}.${String(ms % 1000).padStart(3, '0')}`
}

interface Run {
  pages: ResponsePage[]
  items: BoardApplication[]
  ids: string[]
  cursor: string | null
}

/** `folders`: the folders walked; the adapter's own (folder 0) unless given */
async function setup (t: Test, options: RobotaFakeOptions = {}, folders?: readonly number[]) {
  // our clock, for the daily full sweep
  const clock = { ms: Date.now() }
  const { fake, adapter, log, logs: lines } = await adapterHarness(t, 'robotaua', {
    fake: { password: `pw-${randomUUID()}`, ...options },
    env: { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '500' },
    create: deps => createRobotauaAdapter(deps, { responses: { now: () => clock.ms, folders } }),
    logLevel: 'debug'
  })
  const errors: unknown[] = []

  const store = memoryStore(await adapter.connect({ login: fake.defaultUsername, password: fake.defaultPassword }, 'install'))
  const session: AccountSession<RobotauaCredentials> = { key: `robotaua:responses:${randomUUID()}`, credentials: store, log }
  const account = await adapter.checkAccount(session)
  const vacancy = fake.addVacancy({ state: 'Publicated', moderationStatus: 'Approved' })
  const postingId = String(vacancy.id)
  fake.server.requests.length = 0

  const pages = (cursor: string | null, posting = postingId) => adapter.pageThroughResponses(session, account, posting, cursor)

  /** one whole run from the cursor */
  async function run (cursor: string | null, posting = postingId): Promise<Run> {
    const result: Run = { pages: [], items: [], ids: [], cursor: null }
    for await (const page of pages(cursor, posting)) {
      result.pages.push(page)
      result.items.push(...page.items)
      result.ids.push(...page.items.map(i => i.externalId))
      result.cursor = page.cursor
    }
    return result
  }

  /** the error a run from the cursor ends with, and the pages it yielded first */
  async function failedRun (cursor: string | null, before?: (pagesSoFar: number) => void, posting = postingId): Promise<{ error: unknown, pages: ResponsePage[] }> {
    const seen: ResponsePage[] = []
    try {
      const iterator = pages(cursor, posting)[Symbol.asyncIterator]()
      for (;;) {
        before?.(seen.length)
        const next = await iterator.next()
        if (next.done === true) break
        seen.push(next.value)
      }
    } catch (error) {
      errors.push(error)
      return { error, pages: seen }
    }
    return { error: undefined, pages: seen }
  }

  /** the `{vacancyId, folderId, page}` of every apply list call since the last reset */
  const listCalls = () => fake.server.requests.filter(r => LIST.test(`${r.method} ${r.path}`)).map(r => r.body as { vacancyId: number, folderId: number, page: number })
  const resetCalls = () => { fake.server.requests.length = 0 }
  /** applies as the API shows them now, newest first within each folder (the fake's order) */
  const wireOf = (id: number | string): RobotaApply => {
    const record = fake.applies.get(Number(id))!
    return { ...record.apply, phone: record.contactsHidden ? null : record.apply.phone }
  }
  const folderOrder = (folderId: number): number[] => [...fake.applies.values()]
    .filter(r => r.apply.vacancyId === vacancy.id && (folderId === ROBOTA_FOLDERS.all || r.apply.folderId === folderId))
    .sort((a, b) => b.apply.addDate.localeCompare(a.apply.addDate) || b.apply.id - a.apply.id)
    .map(r => r.apply.id)

  /** no request to an unknown path; no password or token in any error or log line */
  function finish (): void {
    t.same(fake.unmatched, [], 'every request hit a path Robota.ua has')
    const secrets = new Set<string>([fake.defaultPassword])
    for (const value of store.history) if (value.token !== undefined) secrets.add(value.token)
    for (const r of fake.server.requests) {
      const bearer = /^Bearer (\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1]
      if (bearer !== undefined) secrets.add(bearer)
    }
    const shown = [...errors.map(e => [(e as Error).message, JSON.stringify(e), String((e as Error).stack)].join('\n')), ...lines]
    t.same(shown.filter(text => [...secrets].some(s => text.includes(s))), [], 'no password or token in errors or logs')
  }

  return { fake, adapter, session, store, account, vacancy, postingId, clock, lines, pages, run, failedRun, listCalls, resetCalls, wireOf, folderOrder, finish }
}

const sorted = (ids: string[]): string[] => [...ids].sort()
const idsOf = (applies: Array<{ id: number }>): string[] => applies.map(a => String(a.id))

t.test('Kyiv local times become UTC instants; birthdays stay calendar dates', async t => {
  t.equal(kyivTimeToIso('2025-01-15T10:00:00'), '2025-01-15T08:00:00.000Z', 'winter: UTC+2')
  t.equal(kyivTimeToIso('2025-07-15T10:00:00.123'), '2025-07-15T07:00:00.123Z', 'summer: UTC+3, milliseconds kept')
  t.equal(kyivTimeToIso('2025-07-15T10:00:00.1234567'), '2025-07-15T07:00:00.123Z', '.NET ticks (7 digits)')
  t.equal(kyivTimeToIso('2025-07-15 10:00'), '2025-07-15T07:00:00.000Z', 'no seconds, a space')
  t.equal(kyivTimeToIso('2025-03-30T02:59:59'), '2025-03-30T00:59:59.000Z', 'the last winter second')
  t.equal(kyivTimeToIso('2025-03-30T04:00:00'), '2025-03-30T01:00:00.000Z', 'the first summer second')
  t.equal(kyivTimeToIso('2025-03-30T03:30:00'), '2025-03-30T01:30:00.000Z', 'a time the spring change skips: read with the winter offset (04:30 summer time)')
  t.equal(kyivTimeToIso('2025-10-26T03:30:00'), '2025-10-26T00:30:00.000Z', 'a time the autumn change repeats: the first (summer) one')
  t.equal(kyivTimeToIso('2025-10-26T04:30:00'), '2025-10-26T02:30:00.000Z', 'after the autumn change: UTC+2')
  t.equal(kyivTimeToIso('2025-07-15T10:00:00Z'), '2025-07-15T10:00:00.000Z', 'a zone, when sent, is taken as it says')
  t.equal(kyivTimeToIso('2025-07-15T10:00:00+03:00'), '2025-07-15T07:00:00.000Z')
  t.equal(kyivTimeToIso('2025-07-15T10:00:00-0130'), '2025-07-15T11:30:00.000Z')
  for (const none of [null, undefined, '', 'yesterday', '0001-01-01T00:00:00', '2025-13-01T00:00:00', '2025-01-01T25:00:00']) {
    t.equal(kyivTimeToIso(none), null, `${String(none)} is no time`)
  }
  t.equal(birthDateOf('1990-05-17T00:00:00'), '1990-05-17')
  t.equal(birthDateOf('1990-05-17'), '1990-05-17')
  t.equal(birthDateOf('0001-01-01T00:00:00'), null, '.NET default(DateTime) is no birthday')
  t.equal(birthDateOf(null), null)
  t.equal(birthDateOf('17.05.1990'), null)
})

t.test('a first run walks every page of folder 0, every apply whatever its folder, and maps each apply field by field', async t => {
  const { fake, vacancy, run, listCalls, wireOf, folderOrder, finish } = await setup(t)
  t.same(ROBOTAUA_FOLDERS, [ROBOTA_FOLDERS.all], 'the adapter walks folder 0 alone')
  const seeded = [
    ...fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed),
    ...fake.addApplies(vacancy.id, 3, ROBOTA_FOLDERS.viewed),
    ...fake.addApplies(vacancy.id, 22, ROBOTA_FOLDERS.rejected),
    ...fake.addApplies(vacancy.id, 1, ROBOTA_FOLDERS.hired),
    // folders no fixed list of ours named: every status the account sorts applies into comes over
    ...fake.addApplies(vacancy.id, 2, ROBOTA_FOLDERS.interesting),
    ...fake.addApplies(vacancy.id, 1, ROBOTA_FOLDERS.consider),
    ...fake.addApplies(vacancy.id, 1, ROBOTA_FOLDERS.uninteresting),
    ...fake.addApplies(vacancy.id, 2, ROBOTA_FOLDERS.invited)
  ]
  // another vacancy's applies never show
  const other = fake.addVacancy({ state: 'Publicated' })
  fake.addApplies(other.id, 5)

  const first = await run(null)
  t.same(listCalls(), [0, 1, 2, 3].map(page => ({ vacancyId: vacancy.id, folderId: 0, page })), 'folder 0 from page 0 to its short last page')
  t.equal(first.pages.length, 4, 'one page yielded per board page')
  t.same(first.pages.map(p => p.items.length), [20, 20, 20, 17])
  t.same(first.ids, folderOrder(ROBOTA_FOLDERS.all).map(String), 'newest first, as the board lists them')
  t.same(sorted(first.ids), sorted(idsOf(seeded)), 'every apply of every folder, once, and no other vacancy\'s')
  t.ok(first.pages.every(p => Object.keys(p.skipped).length === 0), 'Robota.ua has no filtering rule: nothing skipped')
  t.ok(first.pages.every(p => typeof p.cursor === 'string'), 'every page carries a cursor')

  let hidden = 0
  for (const item of first.items) {
    const wire = wireOf(item.externalId)
    t.same(item.raw, wire, `${item.externalId}: raw is the apply exactly as sent`)
    t.equal(item.externalId, String(wire.id))
    t.match(item.appliedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    t.equal(asKyivWallClock(item.appliedAt!), wire.addDate, `${item.externalId}: appliedAt is the Kyiv wall-clock addDate as an instant`)
    t.equal(item.updatedAt, item.appliedAt)
    t.equal(item.firstName, wire.name)
    t.equal(item.lastName, wire.surname)
    t.equal(item.middleName, wire.fatherName)
    t.same(item.emails, [wire.eMail])
    t.same(item.phones, wire.phone === null ? [] : [wire.phone], 'the phone as the board spells it')
    if (wire.phone === null) hidden++
    t.equal(item.birthDate, wire.birthDate === null ? null : wire.birthDate.slice(0, 10))
    t.equal(item.resumeText, wire.skillsSummary)
    t.equal(item.resumeUrl, wire.filePath === null ? null : `${fake.apiUrl}/apply/getfile/${wire.id}?resumeType=1`, 'the attached CV by its getfile link')
    t.equal(item.url, wire.resumeId === null ? null : `https://robota.ua/candidates/${wire.resumeId}`)
    t.equal(item.photoUrl, null)
    t.equal(item.coverLetter, wire.coverLetter, 'the letter the applicant wrote')
    t.same(item.skills, [])
  }
  t.ok(first.items.some(i => i.coverLetter === null) && first.items.some(i => i.coverLetter !== null), 'with and without a cover letter')
  t.ok(hidden > 0, 'applies with hidden contacts are transferred too, without a phone')
  t.ok(first.items.some(i => i.resumeUrl === null) && first.items.some(i => i.resumeUrl !== null))
  t.ok(first.items.some(i => i.url === null), 'a file-only apply has no candidate page')
  t.ok(first.items.some(i => i.birthDate === null) && first.items.some(i => i.middleName === null))
  t.equal(fake.server.requests.filter(r => r.path.includes('/getfile/')).length, 0, 'no CV is downloaded')
  finish()
})

t.test('over a list of status folders: each folder from page 0 to its short last page, in the order given', async t => {
  const { fake, vacancy, run, listCalls, folderOrder, finish } = await setup(t, {}, STATUS_FOLDERS)
  const seeded = [
    ...fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed),
    ...fake.addApplies(vacancy.id, 3, ROBOTA_FOLDERS.viewed),
    ...fake.addApplies(vacancy.id, 22, ROBOTA_FOLDERS.rejected),
    ...fake.addApplies(vacancy.id, 1, ROBOTA_FOLDERS.hired)
  ]
  const first = await run(null)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[1, 0], [1, 1], [1, 2], [2, 0], [7, 0], [7, 1], [10, 0]], 'unviewed, viewed, rejected, hired')
  t.same(first.pages.map(p => p.items.length), [20, 20, 5, 3, 20, 2, 1])
  t.same(first.ids, [...folderOrder(1), ...folderOrder(2), ...folderOrder(7), ...folderOrder(10)].map(String), 'newest first within each folder')
  t.same(sorted(first.ids), sorted(idsOf(seeded)))
  finish()
})

t.test('an attached CV is opened through getfile with resumeType 1 and the account\'s token; the fake wants both', async t => {
  const { fake, adapter, session, account, vacancy, run, finish } = await setup(t)
  const [withFile, without] = fake.addApplies(vacancy.id, [{ id: 41_900_001, filePath: `${fake.apiUrl}/apply/getfile/41900001` }, { id: 41_900_002, filePath: null }])
  fake.applies.get(withFile!.id)!.fileText = 'CV of the applicant'
  const { items } = await run(null)
  const stored = (id: number) => {
    const item = items.find(i => i.externalId === String(id))!
    return { externalId: item.externalId, resumeUrl: item.resumeUrl, photoUrl: item.photoUrl, raw: item.raw }
  }
  const file = await adapter.openResume!(session, account, stored(withFile!.id))
  t.ok(file)
  const chunks: Buffer[] = []
  for await (const chunk of file!.stream) chunks.push(chunk as Buffer)
  t.match(Buffer.concat(chunks).toString('utf8'), /CV of the applicant/)
  t.match(file, { contentType: 'application/pdf', fileName: `cv-${withFile!.id}.pdf` })
  const [asked] = fake.server.requests.filter(r => r.path.includes('/getfile/'))
  t.equal(asked?.query.get('resumeType'), '1')
  t.match(asked?.headers.authorization, /^Bearer /)
  t.equal(await adapter.openResume!(session, account, stored(without!.id)), null, 'no file, no request')
  t.equal(fake.server.requests.filter(r => r.path.includes('/getfile/')).length, 1)

  fake.server.inject({ match: /getfile/, status: 404, body: { message: 'File not found' } })
  t.match(await adapter.openResume!(session, account, stored(withFile!.id)).then(() => null, (e: unknown) => e), { kind: 'not_found' })
  const bare = await fetch(`${fake.apiUrl}/apply/getfile/${withFile!.id}`, { headers: { authorization: `Bearer ${session.credentials.current().token!}` } })
  t.equal(bare.status, 400, 'the fake refuses a getfile without resumeType, as Robota.ua\'s note says it must')
  await bare.body?.cancel()
  finish()
})

t.test('explicit applies: summer and winter times, hidden phone, file-only, blanks', async t => {
  const { fake, vacancy, run, finish } = await setup(t)
  const [summer, winter, fileOnly] = fake.addApplies(vacancy.id, [
    {
      name: 'Олена', surname: 'Шевченко', fatherName: 'Іванівна', phone: '(067) 123-45-67', eMail: 'Olena.Shevchenko@I.UA',
      birthDate: '1990-05-17T00:00:00', addDate: '2025-07-01T09:15:30.250', resumeId: 555, skillsSummary: 'Excel, CRM; досвід 3 р.',
      coverLetter: '  Добрий день!\nМаю досвід у продажах.  '
    },
    {
      name: 'Тарас', surname: 'Мельник', fatherName: null, phone: '+380501112233', eMail: '', birthDate: null,
      addDate: '2025-01-20T23:30:00', resumeId: 556, filePath: null, skillsSummary: '  ', coverLetter: ' ', contactsHidden: true
    },
    { name: 'Ірина', surname: 'Коваленко', fatherName: ' ', eMail: null, phone: null, resumeId: null, addDate: '2024-12-31T23:59:59', skillsSummary: null, coverLetter: null }
  ], ROBOTA_FOLDERS.hired)
  const { items } = await run(null)
  const byId = new Map(items.map(i => [i.externalId, i]))

  t.match(byId.get(String(summer!.id)), {
    appliedAt: '2025-07-01T06:15:30.250Z',
    updatedAt: '2025-07-01T06:15:30.250Z',
    firstName: 'Олена',
    lastName: 'Шевченко',
    middleName: 'Іванівна',
    emails: ['Olena.Shevchenko@I.UA'],
    phones: ['(067) 123-45-67'],
    birthDate: '1990-05-17',
    resumeText: 'Excel, CRM; досвід 3 р.',
    coverLetter: 'Добрий день!\nМаю досвід у продажах.',
    skills: [],
    url: 'https://robota.ua/candidates/555'
  }, 'emails and phones as given (the service normalises them); the letter trimmed, its lines kept')
  t.match(byId.get(String(winter!.id)), {
    appliedAt: '2025-01-20T21:30:00.000Z',
    middleName: null,
    birthDate: null,
    resumeText: null,
    resumeUrl: null,
    coverLetter: null,
    url: 'https://robota.ua/candidates/556'
  }, 'a hidden phone (null until contacts are opened) and blank fields, a blank letter too, are left out')
  t.same(byId.get(String(winter!.id))!.emails, [], 'an empty eMail is no address')
  t.same(byId.get(String(winter!.id))!.phones, [])
  t.equal((byId.get(String(winter!.id))!.raw as RobotaApply).phone, null)
  t.match(byId.get(String(fileOnly!.id)), {
    appliedAt: '2024-12-31T21:59:59.000Z',
    middleName: null,
    coverLetter: null,
    url: null
  }, 'a file-only apply: no résumé id, no candidate page')
  t.same(byId.get(String(fileOnly!.id))!.emails, [])
  t.same(byId.get(String(fileOnly!.id))!.phones, [])
  finish()
})

for (const [walk, folders, sizes] of [
  ['folder 0', undefined, [20, 20, 20, 8]],
  // 1: 20, 20, 1 · 2: 20, 0 (a full page may be the last: the next one is empty) · 7: 7 · 10: 0
  ['status folders', STATUS_FOLDERS, [20, 20, 1, 20, 0, 7, 0]]
] as const) {
t.test(`${walk}: resuming from every intermediate cursor yields exactly what was not yet yielded`, async t => {
  const { fake, vacancy, run, listCalls, resetCalls, finish } = await setup(t, {}, folders)
  const all = idsOf([
    ...fake.addApplies(vacancy.id, 41, ROBOTA_FOLDERS.unviewed),
    ...fake.addApplies(vacancy.id, 20, ROBOTA_FOLDERS.viewed),
    ...fake.addApplies(vacancy.id, 7, ROBOTA_FOLDERS.rejected)
  ])
  const first = await run(null)
  t.same(sorted(first.ids), sorted(all))
  t.same(first.pages.map(p => p.items.length), sizes)

  for (let k = 0; k < first.pages.length; k++) {
    const yielded = first.pages.slice(0, k + 1).flatMap(p => p.items.map(i => i.externalId))
    const callsBefore = first.pages.length
    resetCalls()
    const resumed = await run(first.pages[k]!.cursor)
    if (k < first.pages.length - 1) {
      t.same(sorted(resumed.ids), sorted(all.filter(id => !yielded.includes(id))), `from the cursor of page ${k + 1}: exactly the rest, nothing twice`)
      t.same(sorted([...yielded, ...resumed.ids]), sorted(all), 'the union is every apply')
      t.equal(listCalls().length, callsBefore - k - 1, 'no page fetched again')
      t.equal(resumed.cursor, first.cursor, 'the resumed run ends where the whole run ended')
    } else {
      t.equal(listCalls().length, (folders ?? ROBOTAUA_FOLDERS).length, 'the final cursor starts a new (incremental) run: page 0 of each folder')
      t.ok(resumed.ids.every(id => all.includes(id)), 'and yields only the overlap')
    }
  }
  finish()
})
}
t.test('folder 0: the next run fetches only the new applies above the watermark (plus the rest of that page), whichever folder they went to', async t => {
  const { fake, vacancy, run, listCalls, resetCalls, folderOrder, finish } = await setup(t)
  fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed)
  fake.addApplies(vacancy.id, 30, ROBOTA_FOLDERS.rejected)
  const first = await run(null)
  t.equal(listCalls().length, 4)

  resetCalls()
  const idle = await run(first.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[0, 0]], 'nothing new: page 0, no deeper')
  t.same(idle.ids, folderOrder(0).slice(0, 20).map(String), 'only the overlap: the newest page')

  // new applicants between runs, some straight into rejected or invited (more than a page in all)
  const fresh = idsOf([...fake.addApplies(vacancy.id, 12, ROBOTA_FOLDERS.unviewed), ...fake.addApplies(vacancy.id, 10, ROBOTA_FOLDERS.rejected), ...fake.addApplies(vacancy.id, 3, ROBOTA_FOLDERS.invited)])
  // and an old apply moves: in folder 0 it stays where it was
  fake.moveApply(folderOrder(0)[60]!, ROBOTA_FOLDERS.hired)
  resetCalls()
  const second = await run(idle.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[0, 0], [0, 1]], 'a second page reaches the watermark')
  for (const id of fresh) t.ok(second.ids.includes(id), `new apply ${id} picked up`)
  t.same(second.ids, folderOrder(0).slice(0, 40).map(String), 'the rest is the overlap of the pages fetched')

  resetCalls()
  await run(second.cursor)
  t.equal(listCalls().length, 1, 'caught up: one page again')
  finish()
})

t.test('status folders: the next run fetches only the new applies above each folder\'s watermark (plus the rest of that page)', async t => {
  const { fake, vacancy, run, listCalls, resetCalls, folderOrder, finish } = await setup(t, {}, STATUS_FOLDERS)
  fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed)
  fake.addApplies(vacancy.id, 30, ROBOTA_FOLDERS.rejected)
  fake.addApplies(vacancy.id, 2, ROBOTA_FOLDERS.hired)
  const first = await run(null)

  resetCalls()
  const idle = await run(first.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[1, 0], [2, 0], [7, 0], [10, 0]], 'nothing new: page 0 of each folder, no deeper')
  t.same(sorted(idle.ids), sorted([...folderOrder(1).slice(0, 20), ...folderOrder(7).slice(0, 20), ...folderOrder(10)].map(String)), 'only the overlap: the newest page of each folder')
  t.ok(idle.pages.length >= 1 && idle.cursor !== null, 'a run always yields a page and a cursor')

  // new applicants between runs: 3 unviewed, 25 (more than a page) straight into rejected
  const newInbox = idsOf(fake.addApplies(vacancy.id, 3, ROBOTA_FOLDERS.unviewed))
  const newRejected = idsOf(fake.addApplies(vacancy.id, 25, ROBOTA_FOLDERS.rejected))
  resetCalls()
  const second = await run(idle.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[1, 0], [2, 0], [7, 0], [7, 1], [10, 0]], 'rejected needs a second page to reach its watermark')
  for (const id of [...newInbox, ...newRejected]) t.ok(second.ids.includes(id), `new apply ${id} picked up`)
  const overlap = new Set([...folderOrder(1).slice(0, 20), ...folderOrder(7).slice(0, 40), ...folderOrder(10)].map(String))
  t.ok(second.ids.every(id => overlap.has(id)), 'everything else is the overlap of the pages fetched')
  t.equal(second.ids.length, 20 + 40 + 2)

  resetCalls()
  const third = await run(second.cursor)
  t.equal(listCalls().length, 4, 'caught up: one page a folder again')
  t.notOk(third.ids.some(id => !overlap.has(id)))
  finish()
})

t.test('a run killed mid-walk resumes below the old watermark, and what arrived meanwhile comes next run', async t => {
  const { fake, vacancy, run, pages, finish } = await setup(t)
  fake.addApplies(vacancy.id, 30, ROBOTA_FOLDERS.unviewed)
  const first = await run(null)
  const fresh = idsOf(fake.addApplies(vacancy.id, 50, ROBOTA_FOLDERS.unviewed))

  // the run dies after page 0 of the inbox (20 of the 50 new: two more pages to go)
  const iterator = pages(first.cursor)[Symbol.asyncIterator]()
  const page0 = (await iterator.next()).value as ResponsePage
  await iterator.return?.(undefined)
  t.equal(page0.items.length, 20)
  t.ok(page0.items.every(i => fresh.includes(i.externalId)))

  // two more arrive at the top before the service resumes
  const arrived = idsOf(fake.addApplies(vacancy.id, 2, ROBOTA_FOLDERS.unviewed))
  const resumed = await run(page0.cursor)
  const seen = new Set([...page0.items.map(i => i.externalId), ...resumed.ids])
  t.ok(fresh.every(id => seen.has(id)), 'the 30 new applies on the older pages are not skipped')
  t.notOk(arrived.some(id => seen.has(id)), 'the walk had passed the top when these arrived')

  const next = await run(resumed.cursor)
  t.ok(arrived.every(id => next.ids.includes(id)), 'the next run finds them: the watermark is the top of page 0 of the interrupted walk')
  finish()
})

t.test('status folders: applies moved between folders are not lost', async t => {
  const { fake, vacancy, run, pages, listCalls, resetCalls, folderOrder, wireOf, finish } = await setup(t, {}, STATUS_FOLDERS)
  fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed)
  fake.addApplies(vacancy.id, 25, ROBOTA_FOLDERS.rejected)
  const first = await run(null)

  await t.test('an old apply moved into a walked folder: the folder\'s count gives it away', async t => {
    const old = folderOrder(1)[40]! // deep in unviewed, far below every watermark
    fake.moveApply(old, ROBOTA_FOLDERS.rejected)
    resetCalls()
    const next = await run(first.cursor)
    t.same(listCalls().map(c => [c.folderId, c.page]), [[1, 0], [2, 0], [7, 0], [7, 1], [10, 0]],
      'rejected holds one more than its new applies explain: walked to the end')
    const moved = next.items.find(i => i.externalId === String(old))
    t.ok(moved, 'the moved apply comes again')
    t.equal((moved?.raw as RobotaApply).folderId, ROBOTA_FOLDERS.rejected, 'with its new folder in raw')
    t.same(moved?.raw, wireOf(old))

    resetCalls()
    await run(next.cursor)
    t.equal(listCalls().length, 4, 'the count matches again: back to one page a folder')
  })

  await t.test('a new apply moved back into an already walked folder during a run is found by the next one', async t => {
    const latest = await run(first.cursor)
    // x arrives in rejected, then newer applies fill unviewed above it
    const [x] = fake.addApplies(vacancy.id, 1, ROBOTA_FOLDERS.rejected)
    fake.addApplies(vacancy.id, 25, ROBOTA_FOLDERS.unviewed)
    let racing: string | null = null
    for await (const page of pages(latest.cursor)) {
      racing = page.cursor
      // white box: the cursor says the unviewed walk is complete; a recruiter puts x back to unviewed
      const state = JSON.parse(page.cursor!) as { run: { folder: number } | null }
      if (state.run?.folder === ROBOTA_FOLDERS.viewed && fake.applies.get(x!.id)!.apply.folderId !== ROBOTA_FOLDERS.unviewed) {
        t.notOk(page.items.some(i => i.externalId === String(x!.id)))
        fake.moveApply(x!.id, ROBOTA_FOLDERS.unviewed)
      }
      t.notOk(page.items.some(i => i.externalId === String(x!.id)), 'this run never sees x')
    }
    t.ok(folderOrder(1).indexOf(x!.id) >= 20, 'x sits below the unviewed watermark, past page 0')
    resetCalls()
    const next = await run(racing)
    t.ok(next.ids.includes(String(x!.id)), 'the unviewed count exposes it; the walk goes to the end and finds it')
    t.ok(listCalls().filter(c => c.folderId === 1).length > 1)
  })
  finish()
})

t.test('the daily full sweep brings every change: phones shown after contacts were opened, moves without a count', async t => {
  const { fake, vacancy, run, listCalls, resetCalls, clock, folderOrder, finish } = await setup(t, {}, STATUS_FOLDERS)
  const seeded = fake.addApplies(vacancy.id, Array.from({ length: 45 }, (_, i) => ({ contactsHidden: i === 0 })), ROBOTA_FOLDERS.unviewed)
  const hidden = seeded[0]!
  fake.addApplies(vacancy.id, 25, ROBOTA_FOLDERS.rejected)
  const first = await run(null)
  t.same(first.items.find(i => i.externalId === String(hidden.id))?.phones, [], 'transferred without the phone')
  t.ok(folderOrder(1).indexOf(hidden.id) >= 40, 'the oldest apply, on the last page')

  fake.revealContacts(hidden.id)
  // a swap leaves every count as it was
  const [a, b] = [folderOrder(1)[30]!, folderOrder(7)[22]!]
  fake.moveApply(a, ROBOTA_FOLDERS.rejected)
  fake.moveApply(b, ROBOTA_FOLDERS.unviewed)

  clock.ms += 23 * HOUR
  resetCalls()
  const incremental = await run(first.cursor)
  t.equal(listCalls().length, 4, 'within the day: incremental')
  t.notOk(incremental.ids.includes(String(hidden.id)), 'the change is out of an incremental run\'s reach')

  clock.ms += 2 * HOUR
  resetCalls()
  const sweep = await run(incremental.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[1, 0], [1, 1], [1, 2], [2, 0], [7, 0], [7, 1], [10, 0]], 'a day after the last sweep: every page again')
  t.equal(hidden.phone, null)
  t.same(sweep.items.find(i => i.externalId === String(hidden.id))?.phones, [fake.applies.get(hidden.id)!.apply.phone], 'the phone, once shown, comes with the sweep')
  t.equal((sweep.items.find(i => i.externalId === String(a))?.raw as RobotaApply).folderId, ROBOTA_FOLDERS.rejected)
  t.equal((sweep.items.find(i => i.externalId === String(b))?.raw as RobotaApply).folderId, ROBOTA_FOLDERS.unviewed)

  resetCalls()
  await run(sweep.cursor)
  t.equal(listCalls().length, 4, 'the sweep resets the day')
  finish()
})

t.test('folder 0: the daily full sweep walks it to its end again, with every change (a phone shown, a letter edited, a new folder)', async t => {
  const { fake, vacancy, run, listCalls, resetCalls, clock, folderOrder, finish } = await setup(t)
  const seeded = fake.addApplies(vacancy.id, Array.from({ length: 45 }, (_, i) => ({ contactsHidden: i === 0, coverLetter: i === 0 ? 'Перший лист' : null })), ROBOTA_FOLDERS.unviewed)
  const oldest = seeded[0]!
  const first = await run(null)
  t.match(first.items.find(i => i.externalId === String(oldest.id)), { phones: [], coverLetter: 'Перший лист' })
  t.equal(folderOrder(0).indexOf(oldest.id), 44, 'the oldest apply, on the last page')

  fake.revealContacts(oldest.id)
  fake.applies.get(oldest.id)!.apply.coverLetter = 'Виправлений лист'
  fake.moveApply(oldest.id, ROBOTA_FOLDERS.invited)
  clock.ms += 23 * HOUR
  resetCalls()
  const incremental = await run(first.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[0, 0]], 'within the day: the first page only')
  t.notOk(incremental.ids.includes(String(oldest.id)))

  clock.ms += 2 * HOUR
  resetCalls()
  const sweep = await run(incremental.cursor)
  t.same(listCalls().map(c => [c.folderId, c.page]), [[0, 0], [0, 1], [0, 2]], 'a day after the last sweep: every page again')
  t.match(sweep.items.find(i => i.externalId === String(oldest.id)), { phones: [fake.applies.get(oldest.id)!.apply.phone], coverLetter: 'Виправлений лист', raw: { folderId: ROBOTA_FOLDERS.invited } })
  finish()
})

for (const [walk, folders] of [['folder 0', ROBOTAUA_FOLDERS], ['status folders', STATUS_FOLDERS]] as const) {
  t.test(`${walk}: an empty vacancy yields a page per folder and a cursor`, async t => {
    const { run, listCalls, finish } = await setup(t, {}, folders)
    const first = await run(null)
    t.equal(first.pages.length, folders.length)
    t.same(first.items, [])
    t.type(first.cursor, 'string')
    const again = await run(first.cursor)
    t.equal(again.pages.length, folders.length)
    t.equal(listCalls().length, 2 * folders.length)
    finish()
  })
}

t.test('a cursor this adapter cannot read starts over', async t => {
  const { fake, vacancy, run, lines, finish } = await setup(t)
  const all = idsOf(fake.addApplies(vacancy.id, 25))
  for (const bad of ['not json', '{"v":2}', '[]']) {
    const again = await run(bad)
    t.same(sorted(again.ids), sorted(all), `"${bad}": every apply again (upserts make it harmless)`)
  }
  t.ok(lines.some(l => l.includes('unreadable sync cursor')))
  finish()
})

t.test('a 5xx or a timeout on page N ends the run after pages before N; the cursor resumes', async t => {
  const { fake, vacancy, run, failedRun, listCalls, resetCalls, finish } = await setup(t)
  const all = idsOf(fake.addApplies(vacancy.id, 50, ROBOTA_FOLDERS.unviewed))

  for (const fault of [{ status: 503 }, { status: 500 }, { mode: 'timeout' as const }]) {
    resetCalls()
    const { error, pages } = await failedRun(null, n => {
      // page 3 (index 2) fails on every attempt (BOARD_MAX_RETRIES=1: two)
      if (n === 2) fake.server.inject({ match: LIST, times: 2, ...fault })
    })
    t.type(error, BoardError)
    t.match(error, { board: 'robotaua', kind: 'status' in fault ? 'unavailable' : 'timeout' }, JSON.stringify(fault))
    t.equal(pages.length, 2, 'the pages before it were yielded (the service has stored them)')
    t.equal(listCalls().length, 4, 'page 3 tried twice')
    const rest = await run(pages[1]!.cursor)
    t.same(sorted([...pages.flatMap(p => p.items.map(i => i.externalId)), ...rest.ids]), sorted(all), 'resumed: no apply lost')
  }
  finish()
})

t.test('a 429 with Retry-After is waited out within the same run', async t => {
  const { fake, vacancy, run, failedRun, listCalls, resetCalls, finish } = await setup(t)
  const all = idsOf(fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed))
  const { error, pages } = await failedRun(null, n => {
    if (n === 1) fake.server.inject({ match: LIST, status: 429, headers: { 'retry-after': '1' } })
  })
  t.equal(error, undefined, 'the run goes on')
  t.same(sorted(pages.flatMap(p => p.items.map(i => i.externalId))), sorted(all))
  t.equal(listCalls().filter(c => c.folderId === 0 && c.page === 1).length, 2, 'page 2 asked again after the wait')

  // a Retry-After longer than the client waits ends the run as rate_limited
  resetCalls()
  const long = await failedRun(null, n => {
    if (n === 1) fake.server.inject({ match: LIST, status: 429, headers: { 'retry-after': '3600' } })
  })
  t.match(long.error, { kind: 'rate_limited' })
  t.equal(long.pages.length, 1)
  t.ok((await run(long.pages[0]!.cursor)).ids.length > 0)
  finish()
})

t.test('an expired or revoked token: logged in again once, the run goes on', async t => {
  const { fake, vacancy, store, failedRun, listCalls, finish } = await setup(t)
  const all = idsOf(fake.addApplies(vacancy.id, 45, ROBOTA_FOLDERS.unviewed))
  const logins = fake.loginCount
  const writes = store.writes
  const { error, pages } = await failedRun(null, n => {
    if (n === 1) fake.expireTokens()
    if (n === 2) fake.revokeTokens()
  })
  t.equal(pages.length, 3)
  t.equal(error, undefined)
  t.same(sorted(pages.flatMap(p => p.items.map(i => i.externalId))), sorted(all))
  t.equal(fake.loginCount, logins + 2, 'one login per refused token')
  t.equal(store.writes, writes + 2, 'each new token stored for every replica')
  t.equal(listCalls().length, pages.length + 2, 'each refused page sent again once')

  // a password changed on the board: the run ends with invalid_credentials
  fake.accounts.get(fake.defaultUsername)!.password = `changed-${randomUUID()}`
  fake.revokeTokens()
  const refused = await failedRun(null)
  t.match(refused.error, { kind: 'invalid_credentials' })
  t.equal(refused.pages.length, 0)
  finish()
})

t.test('what the board sends wrong, and postings that are not there', async t => {
  const { fake, vacancy, failedRun, postingId, finish } = await setup(t)
  fake.addApplies(vacancy.id, 25, ROBOTA_FOLDERS.unviewed)
  const bodies: unknown[] = [
    { items: [] },
    { applies: [{ id: 'x' }] },
    { applies: [{ id: 5, name: 42 }] },
    { applies: null }
  ]
  for (const body of bodies) {
    const { error, pages } = await failedRun(null, n => { if (n === 1) fake.server.inject({ match: LIST, status: 200, body }) })
    t.match(error, { kind: 'bad_response', message: /apply list/ }, JSON.stringify(body))
    t.equal(pages.length, 1)
  }
  const broken = await failedRun(null, n => { if (n === 0) fake.server.inject({ match: LIST, mode: 'truncated' }) })
  t.match(broken.error, { kind: 'bad_response' })

  t.match((await failedRun(null, undefined, 'abc')).error, { kind: 'not_found' }, 'not a vacancy id')
  const stranger = fake.addAccount()
  const theirs = fake.addVacancy({}, stranger.username)
  t.match((await failedRun(null, undefined, String(theirs.id))).error, { kind: 'not_found' }, 'another employer\'s vacancy')
  t.match((await failedRun(null, undefined, '99999999')).error, { kind: 'not_found' })
  t.not(postingId, String(theirs.id))
  finish()
})
