// Resumes for the host: Robota.ua's attached CV files fetched with the account's token and streamed
// through (within RESUME_MAX_BYTES), the resume text elsewhere, 404 when there is neither, and
// board failures as problems.
import t from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import type { FakeBoardId } from '../fakes/index.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const fx = Object.fromEntries(fixtures(boards).map(f => [f.board, f]))

interface AppView { id: string, externalId: string, resumeUrl: string | null, resumeText: string | null }

/** publishes on `board`, lets the fake seed responses to the posting, syncs; the applications */
async function applicationsOn (app: TestApp, call: Call, board: FakeBoardId, seed: (posting: number) => void): Promise<AppView[]> {
  const f = fx[board]!
  const integrationId = await f.install(call)
  const hostJobId = `resume-${board}-${Math.random().toString(36).slice(2, 8)}`
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: f.fields, publicationType: f.publicationType, publish: true })).json()
  f.approve(pub.posting.externalId)
  seed(Number(pub.posting.externalId))
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  return (await call('GET', `/v1/applications?publicationId=${pub.id}&limit=200`)).json().items
}

const robotaApplications = async (app: TestApp, call: Call) =>
  await applicationsOn(app, call, 'robotaua', posting => { boards.robotaua.addApplies(posting, 6, 0) })

t.test('Robota.ua: the attached CV is fetched with the account\'s token and streamed through', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const items = await robotaApplications(app, call)
  const withFile = items.filter(a => a.resumeUrl !== null)
  t.ok(withFile.length > 0, 'some applies carry a file')
  for (const application of withFile) {
    const res = await call('GET', `/v1/applications/${application.id}/resume`)
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.headers['content-type'], 'application/pdf')
    t.equal(res.headers['content-disposition'], `attachment; filename="cv-${application.externalId}.pdf"`)
    t.match(res.body, /^%PDF-1\.4/)
    t.match(res.body, new RegExp(`apply ${application.externalId}\\)`), 'the file of this very apply')
  }
  const fetches = boards.robotaua.server.requests.filter(r => /\/apply\/getfile\//.test(r.path))
  t.ok(fetches.every(r => /^Bearer \S+/.test(String(r.headers.authorization))), 'with the bearer token')
})

t.test('no file: the resume text, else 404; other tenants get 404', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const items = await robotaApplications(app, call)
  const textOnly = items.find(a => a.resumeUrl === null && a.resumeText !== null)!
  const res = await call('GET', `/v1/applications/${textOnly.id}/resume`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(res.body, textOnly.resumeText)

  const workua = await applicationsOn(app, call, 'workua', posting => {
    boards.workua.addResponses(posting, [{ blacklisted: false, archived: false, rejected: false }])
  })
  const text = await call('GET', `/v1/applications/${workua[0]!.id}/resume`)
  t.equal(text.statusCode, 200, 'Work.ua: resume as text only')
  t.equal(text.body, workua[0]!.resumeText)

  await app.db.updateTable('applications').set({ resume_text: null }).where('id', '=', textOnly.id).execute()
  t.match(problemOf(await call('GET', `/v1/applications/${textOnly.id}/resume`)), { status: 404, detail: /has no resume/ })
  const stranger = await tenantCaller(app)
  const withFile = items.find(a => a.resumeUrl !== null)!
  t.equal((await stranger('GET', `/v1/applications/${withFile.id}/resume`)).statusCode, 404, 'not another tenant\'s')
  t.equal((await call('GET', '/v1/applications/not-a-uuid/resume')).statusCode, 400)
})

t.test('a file over RESUME_MAX_BYTES is refused; board failures are problems', async t => {
  const app = await build(t, { env: { ...boards.env, RESUME_MAX_BYTES: '2048' } })
  const call = await tenantCaller(app)
  const withFile = (await robotaApplications(app, call)).find(a => a.resumeUrl !== null)!
  const url = `/v1/applications/${withFile.id}/resume`

  // the board says how big it is: refused before a byte is passed on
  boards.robotaua.server.inject({ match: /getfile/, status: 200, headers: { 'content-type': 'application/pdf', 'content-length': '4096' }, body: 'x'.repeat(4096) })
  t.match(problemOf(await call('GET', url)), { status: 502, code: 'JOBSYNC_ERR_RESUME_TOO_LARGE', detail: /4096 bytes, over the 2048-byte limit/ })
  // it does not say (chunked): counted while streaming, and cut at the limit
  boards.robotaua.server.inject({ match: /getfile/, status: 200, headers: { 'content-type': 'application/pdf' }, body: 'x'.repeat(4096) })
  t.match(problemOf(await call('GET', url)), { status: 502, code: 'JOBSYNC_ERR_RESUME_TOO_LARGE', detail: /larger than the 2048-byte limit/ })

  boards.robotaua.server.inject({ match: /getfile/, status: 503, times: 5 })
  t.match(problemOf(await call('GET', url)), { status: 502, code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE' })
  boards.robotaua.server.clearFaults()

  boards.robotaua.server.inject({ match: /getfile/, status: 404, body: { message: 'File not found' } })
  t.match(problemOf(await call('GET', url)), { status: 422, code: 'JOBSYNC_ERR_BOARD_NOT_FOUND' })

  const ok = await call('GET', url)
  t.equal(ok.statusCode, 200, 'the board is fine again')
  t.ok(ok.body.length < 2048)
})
