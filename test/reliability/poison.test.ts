// Board data cannot poison a sync. An applicant's text with U+0000, unpaired surrogates and stray
// control characters is stored cleaned; an applicant whose data the database refuses even cleaned
// (a birth date of 31 February, which Djinni's format lets through) is skipped, named with its
// reason on the run, and the rest of the page is stored, run after run.
import t from 'tap'
import { unstorableReason } from '../../src/db/errors.js'
import { FAKES } from '../fakes/index.js'
import { build, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { installAccount, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const djinni = FAKES.djinni

async function sync (app: TestApp, publicationId: string): Promise<void> {
  await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
  await app.app.scheduler.tick()
  await app.app.scheduler.idle()
}

async function publishOnDjinni (call: Call): Promise<{ publicationId: string, posting: string }> {
  const installed = await installAccount(call, 'djinni', djinni.scenario.newAccount(boards.djinni))
  if (installed.statusCode !== 201) throw new Error(`install failed: ${installed.body}`)
  await call('PUT', '/v1/jobs/poison-1', { title: 'Node.js engineer', description: LONG_DESCRIPTION })
  const created = await call('POST', '/v1/jobs/poison-1/publications', {
    integrationId: installed.json().id, fields: djinni.scenario.publishing.fields, publicationType: djinni.scenario.publishing.publicationType, publish: true
  })
  if (created.statusCode !== 201) throw new Error(`publish failed: ${created.body}`)
  const publicationId = created.json().id as string
  const posting = (await call('GET', `/v1/publications/${publicationId}`)).json().posting.externalId as string
  return { publicationId, posting }
}

t.test('poisoned text is stored clean; an unstorable response is skipped and named, the rest of its page stored', async t => {
  const app = await build(t, { env: { ...boards.env, SYNC_RETRY_SECONDS: '3600' } })
  const call = await tenantCaller(app)
  const { publicationId, posting } = await publishOnDjinni(call)

  const add = (n: number, extra: Record<string, unknown> = {}) => djinni.scenario.responses.add(boards.djinni, posting, n, extra)
  const before = add(2)
  const [poisoned] = add(1, {
    name: '\udc00Шевченко\u0000 Тарас\ud800',
    cover_letter: 'Добрий\u0000 день!\r\nМаю досвід\u0007 з Node.js.\u001b[0m\tДякую\udc00',
    skills: ['Node\u0000.js', '\u0000', 'Postgres\u0085'],
    // valid JSON, and the board's own fields: nothing in them an adapter could refuse
    phone: '+380\u0000 67 123 45 67'
  })
  const [unstorable] = add(1, { birth_date: '1990-02-31', cover_letter: 'Ще один\u0000 лист' })
  const after = add(2)

  await sync(app, publicationId)
  const runs = (await call('GET', `/v1/publications/${publicationId}/sync-runs`)).json().items
  t.match(runs[0], {
    status: 'succeeded', fetched: 6, created: 5, error: null,
    skipped: { unstorable: 1 },
    unstorable: [{ externalId: unstorable, reason: 'invalid_date' }]
  }, 'the run succeeds, counts and names the response it could not store')
  t.equal(runs[0].unstorable.length, 1, 'only that one')

  const listed = (await call('GET', `/v1/applications?publicationId=${publicationId}&limit=50`)).json().items as Array<Record<string, any>>
  t.same(listed.map(a => a.externalId).sort(), [...before, poisoned!, ...after].sort(), 'the rest of the page is stored, before and after the bad one')
  const clean = listed.find(a => a.externalId === poisoned)!
  t.equal(clean.coverLetter, 'Добрий день!\r\nМаю досвід з Node.js.[0m\tДякую', 'the letter cleaned: U+0000, surrogates and controls out, line breaks and tab kept')
  t.same([clean.firstName, clean.lastName].sort(), ['Тарас', 'Шевченко'], 'the name cleaned')
  t.same(clean.skills, ['Node.js', 'Postgres'], 'skills cleaned, a blank one left out')
  t.same(clean.phones, ['+380671234567'], 'the phone cleaned and normalised')

  const candidate = (await call('GET', `/v1/candidates/${clean.candidateId as string}`)).json()
  t.same(candidate.phones, ['+380671234567'], "the candidate's identity is the clean phone")
  const raw = await app.db.selectFrom('applications').select('raw').where('publication_id', '=', publicationId).where('external_id', '=', poisoned!).executeTakeFirstOrThrow()
  t.equal((raw.raw as Record<string, unknown>).cover_letter, clean.coverLetter, 'the raw response is stored cleaned too')

  t.notOk(app.logs.join('').includes('1990-02-31'), 'the refused value is not logged')
  t.match(app.logs.join(''), /responses the database refused were skipped/, 'the skip is logged, by id and reason')

  // the next run reads the board again from its cursor: nothing fails, nothing is stored twice
  const more = add(1)
  await sync(app, publicationId)
  const next = (await call('GET', `/v1/publications/${publicationId}/sync-runs`)).json().items[0]
  t.match(next, { status: 'succeeded', error: null }, 'the next run succeeds as well')
  t.equal((await call('GET', `/v1/publications/${publicationId}`)).json().applicationCount, 6, 'every storable response stored once')
  t.ok((await call('GET', `/v1/applications?publicationId=${publicationId}&limit=50`)).json().items.some((a: { externalId: string }) => a.externalId === more[0]), 'a later response arrives')
})

t.test("only the data's own faults are skipped: anything else still fails the run", async t => {
  const reasons = Object.fromEntries(['22021', '22P05', '22008', '22007', '22003', '22001', '54000', '22P02', '23514', '23505', '23503', '40001', '40P01', '57014', '08006', '53300', 'XX000', undefined]
    .map(code => [String(code), unstorableReason(code === undefined ? new Error('no code') : Object.assign(new Error('driver'), { code }))]))
  t.same(reasons, {
    22021: 'invalid_text', '22P05': 'invalid_text', 22008: 'invalid_date', 22007: 'invalid_date', 22003: 'out_of_range', 22001: 'too_large', 54000: 'too_large',
    '22P02': 'invalid_value', 23514: 'invalid_value',
    // a duplicate or a missing row, a conflict, a timeout, a lost connection, a full server, a bug: the run fails and is retried
    23505: null, 23503: null, 40001: null, '40P01': null, 57014: null, '08006': null, 53300: null, XX000: null, undefined: null
  })
})
