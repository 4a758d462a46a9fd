// Every row of the status table (docs/DESIGN.md) on every board, against the fake boards.
import t from 'tap'
import { build, problemOf } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const boards = await startFakeBoards()

// `where: false` leaves the job without a location, so nothing on the job can fill a board's place field
async function newJob (call: Call, hostJobId: string, where = true) {
  const res = await call('PUT', `/v1/jobs/${hostJobId}`, { title: 'Senior Node.js engineer', description: LONG_DESCRIPTION, ...(where ? { location: 'Kyiv' } : {}), tags: ['node'] })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json()
}

for (const fx of fixtures(boards)) {
  t.test(`${fx.board}: draft → published → live → inactive → published → closed`, async t => {
    const app = await build(t, { env: boards.env })
    const call = await tenantCaller(app)
    const integrationId = await fx.install(call)
    await newJob(call, `job-${fx.board}-main`)

    const draft = await call('POST', `/v1/jobs/job-${fx.board}-main/publications`, { integrationId, fields: fx.fields, publicationType: fx.publicationType, publish: false })
    t.equal(draft.statusCode, 201, draft.body)
    t.match(draft.json(), { status: 'draft', posting: { state: 'none', externalId: null }, board: fx.board })
    const id = draft.json().id

    const published = await call('POST', `/v1/publications/${id}/publish`)
    t.equal(published.statusCode, 200, published.body)
    const pub = published.json()
    t.match(pub, { status: 'published', posting: { externalId: String }, error: null })
    t.ok(['pending_review', 'live'].includes(pub.posting.state), `posting is ${pub.posting.state}`)

    fx.approve(pub.posting.externalId)
    const refreshed = (await call('GET', `/v1/publications/${id}?refresh=true`)).json()
    t.match(refreshed, { status: 'published', posting: { state: 'live' } }, 'moderation passed')

    t.equal((await call('POST', `/v1/publications/${id}/deactivate`)).json().status, 'inactive')
    const again = await call('POST', `/v1/publications/${id}/deactivate`)
    t.equal(again.statusCode, 409)
    t.match(problemOf(again), { code: 'JOBSYNC_ERR_ILLEGAL_TRANSITION', currentStatus: 'inactive', detail: /inactive/ })
    t.equal((await call('POST', `/v1/publications/${id}/activate`)).json().status, 'published')

    const closed = await call('POST', `/v1/publications/${id}/close`)
    t.equal(closed.statusCode, 200, closed.body)
    t.match(closed.json(), { status: 'inactive', posting: { state: 'archived' } })
    t.equal((await call('POST', `/v1/publications/${id}/close`)).statusCode, 409, 'closed once')
    t.equal((await call('POST', `/v1/publications/${id}/activate`)).statusCode, 409, 'a closed posting cannot be re-activated')
    t.equal((await call('POST', `/v1/publications/${id}/publish`)).statusCode, 409, 'nor published again')

    const transitions = (await call('GET', `/v1/publications/${id}/transitions`)).json().items
    t.same(transitions.map((x: { event: string, from: string | null, to: string }) => `${x.event}:${x.from ?? 'new'}→${x.to}`), [
      'create:new→draft',
      'publish:draft→published',
      ...(pub.posting.state === 'pending_review' ? ['posting_changed:published→published'] : []),
      'deactivate:published→inactive',
      'activate:inactive→published',
      'close:published→inactive'
    ])
    t.ok(transitions.every((x: { actor: string }) => /^api_key:/.test(x.actor)), 'every transition names its actor')

    const job = (await call('GET', `/v1/jobs/job-${fx.board}-main`)).json()
    t.match(job.publications, [{ id, status: 'inactive', applicationCount: 0 }])
  })

  t.test(`${fx.board}: publish refused → error; edited → draft; retried → published`, async t => {
    const app = await build(t, { env: boards.env })
    const call = await tenantCaller(app)
    const integrationId = await fx.install(call)
    await newJob(call, `job-${fx.board}-err`, false)

    const incomplete = { ...fx.fields }
    if (fx.requiredField !== null) delete incomplete[fx.requiredField]
    const refused = await call('POST', `/v1/jobs/job-${fx.board}-err/publications`, { integrationId, fields: incomplete, publish: true, publicationType: fx.publicationType })
    if (fx.requiredField !== null) {
      t.equal(refused.statusCode, 422, refused.body)
      const problem = problemOf(refused)
      t.match(problem, { code: 'JOBSYNC_ERR_MISSING_FIELDS', publicationStatus: 'error', publicationId: String })
      t.match(problem.errors, [{ in: 'body', pointer: `/fields/${fx.requiredField}`, detail: 'is required' }])
      const id = problem.publicationId
      const stored = (await call('GET', `/v1/publications/${id}`)).json()
      t.match(stored, { status: 'error', error: { code: 'JOBSYNC_ERR_MISSING_FIELDS' } }, 'the publication is kept, with the reason')

      const edited = await call('PATCH', `/v1/publications/${id}`, { fields: fx.fields })
      t.match(edited.json(), { status: 'draft', error: null }, 'error → draft on edit')
      t.equal((await call('POST', `/v1/publications/${id}/publish`)).json().status, 'published')
    } else {
      t.equal(refused.statusCode, 201, 'the sandbox needs no field')
    }

    // the board fails during publish: error with the board's reason, nothing half-written; a retry publishes
    // another title: hh refuses a second active vacancy with the same title and area as a duplicate
    const second = (await call('POST', `/v1/jobs/job-${fx.board}-err/publications`, { integrationId, fields: fx.fields, publicationType: fx.publicationType, publish: false, title: 'Node.js engineer, second team' })).json()
    if (fx.fake !== null) {
      const { server, createRequest } = fx.fake
      const creates = () => server.requests.filter(r => createRequest.test(`${r.method} ${r.path}`)).length
      const createsBefore = creates()
      server.inject({ match: createRequest, status: 503, times: 1 })
      const failed = await call('POST', `/v1/publications/${second.id}/publish`)
      server.clearFaults()
      t.equal(failed.statusCode, 502, failed.body)
      t.match(problemOf(failed), { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', publicationStatus: 'error' })
      t.match((await call('GET', `/v1/publications/${second.id}`)).json(), { status: 'error', posting: { state: 'none', externalId: null }, error: { boardStatus: 503 } })
      t.equal(creates() - createsBefore, 1, 'the create was sent once, not retried')
    }
    const retried = await call('POST', `/v1/publications/${second.id}/publish`)
    t.equal(retried.statusCode, 200, retried.body)
    t.match(retried.json(), { status: 'published', error: null })
    const events = (await call('GET', `/v1/publications/${second.id}/transitions`)).json().items.map((x: { from: string | null, to: string }) => `${x.from ?? 'new'}→${x.to}`)
    t.same(events, fx.fake === null ? ['new→draft', 'draft→published'] : ['new→draft', 'draft→error', 'error→published'])
  })

  t.test(`${fx.board}: the board rejects or removes the posting → error with its reason`, async t => {
    const app = await build(t, { env: boards.env })
    const call = await tenantCaller(app)
    const integrationId = await fx.install(call)
    await newJob(call, `job-${fx.board}-rej`)
    const pub = (await call('POST', `/v1/jobs/job-${fx.board}-rej/publications`, { integrationId, fields: fx.failFields ?? fx.fields, publicationType: fx.publicationType, publish: true })).json()
    t.equal(pub.status, 'published')
    const reason = fx.fail(pub.posting.externalId)
    const refreshed = (await call('GET', `/v1/publications/${pub.id}?refresh=true`)).json()
    t.equal(refreshed.status, 'error')
    t.match(refreshed.error.detail, reason)
    const last = (await call('GET', `/v1/publications/${pub.id}/transitions`)).json().items.at(-1)
    t.match(last, { event: 'board_failed', from: 'published', to: 'error', reason })
  })
}
