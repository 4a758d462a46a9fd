// Publishing's failure paths and rules: quota, board refusals and timeouts, duplicates, linking an
// existing posting, concurrent actions, and what an integration with live postings may not do.
import t from 'tap'
import { build, problemOf } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()
const byBoard = Object.fromEntries(fixtures(boards).map(f => [f.board, f]))
const djinni = byBoard.djinni!
const workua = byBoard.workua!
const hh = byBoard.headhunter!
const sandbox = byBoard.sandbox!

let jobs = 0
async function job (call: Call, title = 'Senior Node.js engineer'): Promise<string> {
  const hostJobId = `job-${++jobs}`
  const res = await call('PUT', `/v1/jobs/${hostJobId}`, { title, description: LONG_DESCRIPTION })
  if (res.statusCode !== 201) throw new Error(res.body)
  return hostJobId
}

t.test('no paid publication left: refused before the board is asked, publication in error', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await workua.install(call)
  const login = (await call('GET', `/v1/integrations/${integrationId}`)).json().credentials.login
  boards.workua.setPublications('standart_job', 0, login)
  const creates = () => boards.workua.calls.filter(c => c.method === 'POST' && c.path === '/jobs').length
  const before = creates()
  const res = await call('POST', `/v1/jobs/${await job(call)}/publications`, { integrationId, fields: workua.fields, publicationType: 'standart_job', publish: true })
  t.equal(res.statusCode, 422)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_BOARD_QUOTA', publicationStatus: 'error', detail: /standart_job/ })
  t.equal(creates(), before, 'nothing was sent to the board')
})

t.test('HeadHunter: quota spent on the board, a refused field, a duplicate', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await hh.install(call)

  const short = await call('PUT', '/v1/jobs/hh-short', { title: 'Short', description: '<p>Too short for hh.</p>' })
  t.equal(short.statusCode, 201)
  const refused = await call('POST', '/v1/jobs/hh-short/publications', { integrationId, fields: hh.fields, publicationType: 'free', publish: true })
  t.equal(refused.statusCode, 422, refused.body)
  const problem = problemOf(refused)
  t.match(problem, { code: 'JOBSYNC_ERR_BOARD_REJECTED', board: 'headhunter' })
  t.match(problem.errors, [{ pointer: '/description' }], "hh's JSON pointer mapped back to our field")
  t.match((await call('GET', `/v1/publications/${problem.publicationId}`)).json().error, { field: 'description' })

  const hostJobId = await job(call, 'Duplicate title')
  const first = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: hh.fields, publicationType: 'free', publish: true })
  t.equal(first.statusCode, 201, first.body)
  const dup = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: hh.fields, publicationType: 'free', publish: true })
  t.equal(dup.statusCode, 409)
  t.match(problemOf(dup), { code: 'JOBSYNC_ERR_BOARD_DUPLICATE', publicationStatus: 'error' })
})

t.test('a board that does not answer: timeout, error, nothing half-written', async t => {
  const app = await build(t, { env: { ...boards.env, BOARD_TIMEOUT_MS: '300' } })
  const call = await tenantCaller(app)
  const integrationId = await djinni.install(call)
  const created = (await call('POST', `/v1/jobs/${await job(call)}/publications`, { integrationId, fields: djinni.fields, publicationType: 'standard' })).json()
  boards.djinni.server.inject({ match: djinni.fake!.createRequest, mode: 'timeout' })
  const res = await call('POST', `/v1/publications/${created.id}/publish`)
  t.equal(res.statusCode, 504)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_BOARD_TIMEOUT', publicationStatus: 'error' })
  t.match((await call('GET', `/v1/publications/${created.id}`)).json(), { status: 'error', posting: { externalId: null, state: 'none' } })
})

t.test('concurrent publish calls: one publishes, the other is refused; the board sees one create', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await djinni.install(call)
  const created = (await call('POST', `/v1/jobs/${await job(call)}/publications`, { integrationId, fields: djinni.fields, publicationType: 'standard' })).json()
  const creates = () => boards.djinni.server.requests.filter(r => djinni.fake!.createRequest.test(`${r.method} ${r.path}`)).length
  const before = creates()
  const results = await Promise.all([1, 2, 3].map(() => call('POST', `/v1/publications/${created.id}/publish`)))
  const codes = results.map(r => r.statusCode).sort()
  t.same(codes, [200, 409, 409])
  t.equal(creates() - before, 1, 'exactly one posting created on the board')
  const transitions = (await call('GET', `/v1/publications/${created.id}/transitions`)).json().items
  t.equal(transitions.filter((x: { event: string }) => x.event === 'publish').length, 1)
})

t.test('link an existing posting by URL or id; it must exist on this account', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await djinni.install(call)
  const apiKey = [...boards.djinni.accounts.values()].at(-1)!.key
  const existing = boards.djinni.addJob({ title: 'Made on Djinni', status: 'active' }, apiKey)
  const hostJobId = await job(call)

  const linked = await call('POST', '/v1/publications/link', { hostJobId, integrationId, posting: `https://djinni.co/jobs/${existing.id}-made-on-djinni/` })
  t.equal(linked.statusCode, 201, linked.body)
  t.match(linked.json(), { status: 'published', posting: { externalId: String(existing.id), state: 'live' }, hostJobId })
  t.match((await call('GET', `/v1/publications/${linked.json().id}/transitions`)).json().items, [{ event: 'link', from: null, to: 'published' }])

  const twice = await call('POST', '/v1/publications/link', { hostJobId, integrationId, posting: String(existing.id) })
  t.equal(twice.statusCode, 409, 'the same posting is linked once')

  const someoneElses = boards.djinni.addJob({ title: 'Not ours' }, boards.djinni.addAccount({ key: 'dj-other-owner' }).key)
  const foreign = await call('POST', '/v1/publications/link', { hostJobId, integrationId, posting: String(someoneElses.id) })
  t.equal(foreign.statusCode, 422)
  t.match(problemOf(foreign), { code: 'JOBSYNC_ERR_POSTING_NOT_FOUND', errors: [{ pointer: '/posting' }] })

  const garbage = await call('POST', '/v1/publications/link', { hostJobId, integrationId, posting: 'https://example.com/whatever' })
  t.equal(garbage.statusCode, 400)
  t.match(problemOf(garbage).errors, [{ pointer: '/posting' }])
})

t.test('the account cannot change after publish; a live posting keeps its integration from being deleted', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await sandbox.install(call)
  const other = await sandbox.install(call)
  const hostJobId = await job(call)
  const draft = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: sandbox.fields, publicationType: 'standard' })).json()
  t.equal((await call('PATCH', `/v1/publications/${draft.id}`, { integrationId: other })).json().integrationId, other, 'a draft may move')
  t.equal((await call('PATCH', `/v1/publications/${draft.id}`, { integrationId })).statusCode, 200)
  t.equal((await call('POST', `/v1/publications/${draft.id}/publish`)).statusCode, 200)
  const moved = await call('PATCH', `/v1/publications/${draft.id}`, { integrationId: other })
  t.equal(moved.statusCode, 409)
  t.match(problemOf(moved).detail, /never change/)

  const refused = await call('DELETE', `/v1/integrations/${integrationId}`)
  t.equal(refused.statusCode, 409)
  t.match(problemOf(refused), { livePublications: 1 })
  t.equal((await call('POST', `/v1/publications/${draft.id}/deactivate`)).statusCode, 200)
  t.equal((await call('DELETE', `/v1/integrations/${integrationId}`)).statusCode, 409, 'deactivated, the posting is still on the board')
  t.equal((await call('POST', `/v1/publications/${draft.id}/close`)).statusCode, 200)
  t.equal((await call('DELETE', `/v1/integrations/${integrationId}`)).statusCode, 204, 'closed, the integration may go')
})

t.test('editing a live publication pushes to the board first; a refusal changes nothing', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await djinni.install(call)
  const pub = (await call('POST', `/v1/jobs/${await job(call)}/publications`, { integrationId, fields: djinni.fields, publicationType: 'standard', publish: true })).json()
  const edited = await call('PATCH', `/v1/publications/${pub.id}`, { title: 'Lead Node.js engineer', fields: { ...djinni.fields, experienceYears: 5 } })
  t.equal(edited.statusCode, 200, edited.body)
  const onBoard = boards.djinni.getJob(Number(pub.posting.externalId))!
  t.equal(onBoard.title, 'Lead Node.js engineer')

  boards.djinni.server.inject({ match: /^PATCH /, status: 400, body: { experience_years: ['Ensure this value is less than or equal to 10.'] } })
  const refused = await call('PATCH', `/v1/publications/${pub.id}`, { fields: { ...djinni.fields, experienceYears: 7 } })
  t.equal(refused.statusCode, 422)
  t.match(problemOf(refused).errors, [{ pointer: '/fields/experienceYears' }])
  t.equal((await call('GET', `/v1/publications/${pub.id}`)).json().fields.experienceYears, 5, 'the refused edit was not stored')

  const bad = await call('PATCH', `/v1/publications/${pub.id}`, { fields: { category: 'JS' } })
  t.equal(bad.statusCode, 400, 'a live publication keeps its required fields')
})

t.test('bad input: unknown integration, wrong field types, unknown publication type, unknown job', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await djinni.install(call)
  const hostJobId = await job(call)
  const post = (payload: object) => call('POST', `/v1/jobs/${hostJobId}/publications`, payload)
  t.match(problemOf(await post({ integrationId: '00000000-0000-4000-8000-000000000000' })).errors, [{ pointer: '/integrationId' }])
  t.match(problemOf(await post({ integrationId, fields: { experienceYears: 'many' } })).errors, [{ pointer: '/fields/experienceYears' }])
  t.match(problemOf(await post({ integrationId, fields: { nonsense: 1 } })).errors, [{ pointer: '/fields/nonsense' }])
  t.match(problemOf(await post({ integrationId, publicationType: 'gold' })).errors, [{ pointer: '/publicationType' }])
  t.equal((await call('POST', '/v1/jobs/no-such-job/publications', { integrationId })).statusCode, 404)
  t.same((await call('GET', `/v1/publications?hostJobId=${hostJobId}`)).json().items, [], 'nothing was created')
})

t.test("another tenant's publication is not found", async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const stranger = await tenantCaller(app)
  const integrationId = await sandbox.install(call)
  const pub = (await call('POST', `/v1/jobs/${await job(call)}/publications`, { integrationId, fields: sandbox.fields, publicationType: 'standard' })).json()
  for (const [method, url] of [['GET', `/v1/publications/${pub.id}`], ['POST', `/v1/publications/${pub.id}/publish`], ['POST', `/v1/publications/${pub.id}/deactivate`], ['GET', `/v1/publications/${pub.id}/transitions`], ['PATCH', `/v1/publications/${pub.id}`]] as const) {
    t.equal((await stranger(method, url, method === 'PATCH' ? { title: 'x' } : undefined)).statusCode, 404, `${method} ${url}`)
  }
  t.same((await stranger('GET', '/v1/publications')).json().items, [])
  t.equal((await stranger('GET', `/v1/jobs/${pub.hostJobId}`)).statusCode, 404)
})

t.test('publications list in pages with filters', async t => {
  const app = await build(t, { env: boards.env })
  const call = await tenantCaller(app)
  const integrationId = await sandbox.install(call)
  const hostJobId = await job(call)
  for (let i = 0; i < 5; i++) await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: sandbox.fields, publicationType: 'standard', publish: i % 2 === 0 })
  const seen: string[] = []
  let after: string | null = null
  do {
    const res: { json: () => { items: Array<{ id: string, status: string }>, nextCursor: string | null } } = await call('GET', `/v1/publications?hostJobId=${hostJobId}&limit=2${after === null ? '' : `&after=${after}`}`)
    const page = res.json()
    seen.push(...page.items.map(i => i.id))
    after = page.nextCursor
  } while (after !== null)
  t.equal(seen.length, 5)
  t.equal(new Set(seen).size, 5)
  t.equal((await call('GET', `/v1/publications?hostJobId=${hostJobId}&status=published`)).json().items.length, 3)
  t.equal((await call('GET', `/v1/publications?board=djinni&hostJobId=${hostJobId}`)).json().items.length, 0)
})
