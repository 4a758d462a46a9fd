// Outcomes go back to the boards that take them: Djinni's hired feedback, hh's negotiation actions;
// Work.ua records them here only. A failing board is reported and the outcome is kept.
import t from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const fx = Object.fromEntries(fixtures(boards).map(f => [f.board, f]))

async function applicationOn (app: TestApp, call: Call, board: 'djinni' | 'workua' | 'headhunter', seed: (posting: string) => void) {
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
  const application = await applicationOn(app, call, 'headhunter', posting => { boards.hh.addResponses(posting, 1) })
  const before = boards.hh.stateChanges.length
  const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'invited' })
  t.match(res.json(), { shared: 'shared' })
  t.equal(boards.hh.stateChanges.length, before + 1)
})

t.test('Work.ua has no outcome endpoint: recorded here, and the response says so', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'workua', posting => { boards.workua.addResponses(Number(posting), [{ blacklisted: false, archived: false, rejected: false }]) })
  const res = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'rejected' })
  t.match(res.json(), { outcome: 'rejected', shared: 'not_supported', detail: /recorded here only/ })
})

t.test('a board that fails: reported, kept, and a second post shares it', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const application = await applicationOn(app, call, 'djinni', posting => { boards.djinni.addCandidates(Number(posting), 1) })
  boards.djinni.server.inject({ match: /\/status\/?$/, status: 503, times: 5 })
  const failed = await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })
  boards.djinni.server.clearFaults()
  t.match(failed.json(), { shared: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE' } })
  t.match((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).json(), { shared: 'shared' })
  t.equal((await call('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'promoted' })).statusCode, 400)
  const stranger = await tenantCaller(app)
  t.equal((await stranger('POST', `/v1/applications/${application.id}/outcome`, { outcome: 'hired' })).statusCode, 404)
  t.equal(problemOf(await stranger('POST', '/v1/applications/00000000-0000-4000-8000-000000000000/outcome', { outcome: 'hired' })).code, 'JOBSYNC_ERR_NOT_FOUND')
})
