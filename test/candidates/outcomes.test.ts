// Outcomes go back to the boards that take them: Djinni's hired feedback, hh's negotiation actions;
// Work.ua records them here only. A failing board is reported and the outcome is kept.
import t from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import type { FakeBoardId } from '../fakes/index.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const fx = Object.fromEntries(fixtures(boards).map(f => [f.board, f]))

async function applicationOn (app: TestApp, call: Call, board: FakeBoardId, seed: (posting: string) => void) {
  const f = fx[board]!
  const integrationId = await f.install(call)
  const hostJobId = `outcome-${board}-${Math.random().toString(36).slice(2, 8)}`
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: f.fields, publicationType: f.publicationType, publish: true })).json()
  seed(pub.posting.externalId)
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const items = (await call('GET', `/v1/applications?publicationId=${pub.id}`)).json().items
  return items[0] as { id: string, externalId: string }
}

t.test('Djinni takes hired; the application shows it', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { outcome: 'hired', shared: 'shared', error: null })
  t.equal(boards.djinni.outcomeOf(Number(application.externalId)), 'hired', 'the fake board has it')
  t.match((await call('GET', `/v1/applications?limit=200`)).json().items.find((a: { id: string }) => a.id === application.id), { outcome: 'hired', outcomeShared: 'shared' })
})

t.test('HeadHunter moves the response through its actions', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'headhunter', posting => { boards.headhunter.addResponses(posting, 1) })
  const before = boards.headhunter.stateChanges.length
  const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'invited' })
  t.match(res.json(), { shared: 'shared' })
  t.equal(boards.headhunter.stateChanges.length, before + 1)
})

t.test('Work.ua has no outcome endpoint: recorded here, and the response says so', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'workua', posting => { boards.workua.addResponses(Number(posting), [{ blacklisted: false, archived: false, rejected: false }]) })
  const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'rejected' })
  t.match(res.json(), { outcome: 'rejected', shared: 'not_supported', detail: /recorded here only/ })
})

t.test('a board that is down: pending, then retried by the dispatcher until the board takes it', async t => {
  const app = await build(t, { env: { ...boards.env, WEBHOOK_BACKOFF_SECONDS: '1' } })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 503, times: 4 })
  const pending = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })
  t.equal(pending.statusCode, 200, pending.body)
  t.match(pending.json(), { shared: 'pending', nextAttemptAt: String, error: { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE' }, detail: /tried again/ })
  t.equal(boards.djinni.outcomeOf(Number(application.externalId)), undefined, 'the board does not have it yet')
  const viewOf = async () => (await call('GET', `/v1/candidates/${(await call('GET', `/v1/applications?limit=200`)).json().items.find((a: { id: string }) => a.id === application.id).candidateId}`)).json()
    .applications.find((a: { id: string }) => a.id === application.id)
  t.match(await viewOf(), { outcome: 'hired', outcomeShared: 'pending' })

  const makeDue = async () => { await app.db.updateTable('outcome_shares').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute() }
  await makeDue(); await app.app.dispatcher.drain()
  t.equal(boards.djinni.outcomeOf(Number(application.externalId)), undefined, 'still down on the second try')
  boards.djinni.server.clearFaults()
  await makeDue(); await app.app.dispatcher.drain()
  t.equal(boards.djinni.outcomeOf(Number(application.externalId)), 'hired', 'the retry reached the board')
  t.match(await viewOf(), { outcome: 'hired', outcomeShared: 'shared' })
  const shares = await app.db.selectFrom('outcome_shares').selectAll().where('application_id', '=', application.id).execute()
  t.match(shares, [{ status: 'shared', attempts: 3 }], 'one share, three attempts')
  await makeDue(); t.equal(await app.app.dispatcher.tick(), 0, 'nothing left to send')
})

t.test('a board that refuses: failed at once, not retried; a day of failures gives up', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 404, times: 1 })
  const refused = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'rejected' })
  t.match(refused.json(), { shared: 'failed', nextAttemptAt: null, error: { code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' } })
  t.equal(await app.app.dispatcher.tick(), 0, 'a refusal is not retried')

  // a board down for more than a day: the share gives up
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 503, times: 10 })
  t.match((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).json(), { shared: 'pending' })
  await app.db.updateTable('outcome_shares').set({ next_attempt_at: new Date(Date.now() - 1000), queued_at: new Date(Date.now() - 25 * 3600_000) })
    .where('status', '=', 'pending').execute()
  await app.app.dispatcher.drain()
  boards.djinni.server.clearFaults()
  t.match(await app.db.selectFrom('outcome_shares').select(['outcome', 'status']).where('application_id', '=', application.id).orderBy('outcome').execute(),
    [{ outcome: 'hired', status: 'failed' }, { outcome: 'rejected', status: 'failed' }])
})

t.test('outcomes reach the board in the order they were given', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 503, times: 4 })
  t.match((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'invited' })).json(), { shared: 'pending' })
  boards.djinni.server.clearFaults()
  // the board is back, but the earlier outcome is still waiting: the later one queues behind it
  t.match((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).json(), { shared: 'pending', error: null })
  await app.db.updateTable('outcome_shares').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute()
  await app.app.dispatcher.drain()
  t.equal(boards.djinni.outcomeOf(Number(application.externalId)), 'hired', 'the last word is the last outcome')
  t.match((await call('GET', `/v1/applications?limit=200`)).json().items.find((a: { id: string }) => a.id === application.id), { outcome: 'hired', outcomeShared: 'shared' })
})

t.test('bad outcomes and other tenants\' applications are refused', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  t.equal((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'promoted' })).statusCode, 400)
  const stranger = await tenantCaller(app)
  t.equal((await stranger('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).statusCode, 404)
  t.equal(problemOf(await stranger('POST', '/v1/applications/00000000-0000-4000-8000-000000000000/outcome', { outcome: 'hired' })).code, 'JOBSYNC_ERR_NOT_FOUND')
  t.equal(await app.db.selectFrom('outcome_shares').select('id').where('application_id', '=', application.id).execute().then(r => r.length), 0, 'nothing queued')
})
