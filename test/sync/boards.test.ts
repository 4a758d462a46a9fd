// Candidate sync through the real runner against every fake board: paging, the board's filtering,
// mapping, one candidate across boards, and dead credentials taking a publication off the schedule.
import t from 'tap'
import { build, type TestApp } from '../helpers/app.js'
import type { FakeBoardId } from '../fakes/index.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const fx = Object.fromEntries(fixtures(boards).map(f => [f.board, f]))

async function published (call: Call, board: FakeBoardId, hostJobId: string, integrationId?: string) {
  const f = fx[board]!
  const integration = integrationId ?? await f.install(call)
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: `Engineer ${hostJobId}`, description: LONG_DESCRIPTION })
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId: integration, fields: f.fields, publicationType: f.publicationType, publish: true })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { id: res.json().id as string, posting: res.json().posting.externalId as string, integrationId: integration }
}

async function sync (app: TestApp, publicationId?: string) {
  if (publicationId !== undefined) await app.db.updateTable('publications').set({ next_sync_at: new Date(Date.now() - 1000) }).where('id', '=', publicationId).execute()
  for (let i = 0; i < 3; i++) { await app.app.scheduler.tick(); await app.app.scheduler.idle() }
}

const applicationsOf = async (app: TestApp, publicationId: string) =>
  await app.db.selectFrom('applications').selectAll().where('publication_id', '=', publicationId).orderBy('external_id').execute()

t.test('Djinni: every candidate, every field kept, pages of the board walked', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'djinni', 'dj-sync')
  boards.djinni.addCandidates(Number(pub.posting), 130)
  await sync(app)
  const rows = await applicationsOf(app, pub.id)
  t.equal(rows.length, 130)
  t.equal(new Set(rows.map(r => r.external_id)).size, 130)
  const sample = rows[0]!
  t.ok(sample.first_name !== null && sample.emails.length === 1, 'name and email mapped')
  t.ok(sample.phones.every(p => /^\+\d{11,15}$/.test(p)), `phones in E.164: ${sample.phones.join(',')}`)
  t.match(sample.raw, { id: Number(sample.external_id) }, 'everything Djinni sent is kept')
  t.equal((await call('GET', `/v1/publications/${pub.id}`)).json().applicationCount, 130)

  // later: 5 new ones, one changed; a re-run adds exactly those
  boards.djinni.addCandidates(Number(pub.posting), 5)
  await sync(app, pub.id)
  t.equal((await applicationsOf(app, pub.id)).length, 135)
  const runs = (await call('GET', `/v1/publications/${pub.id}/sync-runs`)).json().items
  t.match(runs[0], { status: 'succeeded', created: 5 })
})

t.test('Work.ua: blacklisted, archived and rejected responses are not transferred, and counted', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'workua', 'wu-sync')
  const seeded = boards.workua.addResponses(Number(pub.posting), 60)
  const transferable = seeded.filter(r => !r.blacklisted && !r.archived && !r.rejected)
  await sync(app)
  const rows = await applicationsOf(app, pub.id)
  t.equal(rows.length, transferable.length, `${transferable.length} of ${seeded.length} transferred`)
  const run = (await call('GET', `/v1/publications/${pub.id}/sync-runs`)).json().items[0]
  const skipped = Object.values(run.skipped as Record<string, number>).reduce((a, b) => a + b, 0)
  t.equal(skipped, seeded.length - transferable.length, `skipped by reason: ${JSON.stringify(run.skipped)}`)
  t.ok(rows.every(r => r.last_name !== null || r.first_name !== null), 'fio split into names')
})

t.test('Robota.ua: all folders transferred', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'robotaua', 'ro-sync')
  const seeded = boards.robotaua.addApplies(Number(pub.posting), 45)
  await sync(app)
  t.equal((await applicationsOf(app, pub.id)).length, seeded.length)
})

t.test('HeadHunter: every collection, full resumes with skills, cover letters', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'headhunter', 'hh-sync')
  boards.headhunter.addResponses(pub.posting, 30)
  boards.headhunter.addResponses(pub.posting, [{ firstName: 'Злата', lastName: 'Ковальова', skills: ['TypeScript', 'PostgreSQL'], coverLetter: 'Хочу у вашу команду' }], 'consider')
  await sync(app)
  const rows = await applicationsOf(app, pub.id)
  t.equal(rows.length, 31)
  const anna = rows.find(r => r.first_name === 'Злата')
  t.match(anna, { last_name: 'Ковальова', cover_letter: 'Хочу у вашу команду' })
  t.same(anna?.skills, ['TypeScript', 'PostgreSQL'])
})

t.test('one person who applied on two boards is one candidate with two applications', async t => {
  const app = await build(t, { env: boards.env })
  const { id: tenantId, key } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) })
  const dj = await published(call, 'djinni', 'cross-dj')
  const wu = await published(call, 'workua', 'cross-wu')
  boards.djinni.addCandidates(Number(dj.posting), [{ name: 'Ірина Мельник', email: 'Iryna.Melnyk@Example.com', phone: null, birth_date: null, photo_url: 'https://djinni.example/p.jpg' }])
  boards.workua.addResponses(Number(wu.posting), [{ fio: 'Мельник Ірина Петрівна', email: 'iryna.melnyk@example.com', phone: null, birth_date: '1990-04-12', blacklisted: false, archived: false, rejected: false }])
  await sync(app)
  const rows = await app.db.selectFrom('applications').select(['candidate_id', 'board']).where('tenant_id', '=', tenantId).execute()
  t.equal(rows.length, 2)
  t.equal(rows[0]?.candidate_id, rows[1]?.candidate_id, 'the same candidate')
  const candidate = await app.db.selectFrom('candidates').selectAll().where('id', '=', rows[0]!.candidate_id).executeTakeFirstOrThrow()
  t.match(candidate, { first_name: 'Ірина', last_name: 'Мельник', photo_url: 'https://djinni.example/p.jpg', birth_date: '1990-04-12' }, 'filled from both, nothing blanked')
  t.same(candidate.emails, ['iryna.melnyk@example.com'])
})

t.test('revoked credentials: integration invalid, publication in error, off the schedule', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'djinni', 'revoked')
  const key = [...boards.djinni.accounts.values()].at(-1)!.key
  boards.djinni.accounts.delete(key)
  await sync(app)
  t.match((await call('GET', `/v1/integrations/${pub.integrationId}`)).json(), { status: 'invalid_credentials' })
  const publication = (await call('GET', `/v1/publications/${pub.id}`)).json()
  t.match(publication, { status: 'error', error: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })
  t.match((await call('GET', `/v1/publications/${pub.id}/transitions`)).json().items.at(-1), { event: 'board_failed', actor: 'system' })
  await sync(app, pub.id)
  t.equal((await call('GET', `/v1/publications/${pub.id}/sync-runs`)).json().items.length, 1, 'not synced again while in error')
})

t.test('a board failing mid-run: the stored pages stay, the run fails, the next run ends with each response once', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const pub = await published(call, 'headhunter', 'hh-flaky')
  boards.headhunter.addResponses(pub.posting, 60)
  boards.headhunter.addResponses(pub.posting, 10, 'consider')
  // the first collection comes through, the second fails for longer than the client retries
  boards.headhunter.server.inject({ match: /^GET \/negotiations\/consider$/, status: 503, times: 5 })
  await sync(app)
  boards.headhunter.server.clearFaults()
  const failed = (await call('GET', `/v1/publications/${pub.id}/sync-runs`)).json().items
  t.match(failed, [{ status: 'failed', created: 60, error: { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE' } }])
  t.equal((await applicationsOf(app, pub.id)).length, 60, 'what was stored stays')

  await sync(app, pub.id)
  const rows = await applicationsOf(app, pub.id)
  t.equal(rows.length, 70)
  t.equal(new Set(rows.map(r => r.external_id)).size, 70, 'each response once')
  t.equal((await call('GET', `/v1/publications/${pub.id}`)).json().applicationCount, 70)
})
