// Editing the job reaches its live postings: PUT /v1/jobs/{hostJobId} pushes a change of what boards
// show to every publication whose posting is up, records each outcome (lastEdit) with a
// publication.updated event, and leaves a posting the board refused as it was.
import t from 'tap'
import { BoardError } from '../../src/boards/errors.js'
import type { BoardAdapter } from '../../src/boards/types.js'
import { EVENT_DATA } from '../../src/outbox/events.js'
import { Value } from 'typebox/value'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { controlledSandbox, type ControlledSandbox } from '../helpers/dictionary-boards.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

const JOB = { title: 'Node.js engineer', description: LONG_DESCRIPTION, location: 'Львів', salary: { from: 60000, to: 90000, currency: 'UAH' }, employment: 'full_time', remoteType: 'office', tags: ['node'] }

interface Setup { app: TestApp, call: Call, control: ControlledSandbox, integrationId: string }

async function setup (t: Parameters<typeof build>[0]): Promise<Setup> {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards })
  const call = await tenantCaller(app)
  const res = await call('POST', '/v1/integrations', { board: 'sandbox', name: 'edits', credentials: { accountName: `e-${Math.random()}` } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { app, call, control, integrationId: res.json().id }
}

async function publication (call: Call, integrationId: string, hostJobId: string, publish: boolean, fields: object = { applicants: 0 }): Promise<string> {
  const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields, publicationType: 'standard', publish })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id
}

async function events (app: TestApp, publicationId: string) {
  const rows = await app.db.selectFrom('outbox_events').select(['type', 'payload']).where('subject', '=', `publication:${publicationId}`).where('type', '=', 'publication.updated').orderBy('id').execute()
  return rows.map(r => r.payload as any)
}

t.test('a PUT that changes what boards show is pushed to every posting that is up, and each records its outcome', async t => {
  const { app, call, control, integrationId } = await setup(t)
  t.equal((await call('PUT', '/v1/jobs/edit-1', JOB)).statusCode, 201)
  const live = await publication(call, integrationId, 'edit-1', true)
  const second = await publication(call, integrationId, 'edit-1', true, { applicants: 0, cityId: 'kyiv' })
  const draft = await publication(call, integrationId, 'edit-1', false)
  const closed = await publication(call, integrationId, 'edit-1', true)
  t.equal((await call('POST', `/v1/publications/${closed}/close`)).statusCode, 200)
  const paused = await publication(call, integrationId, 'edit-1', true)
  t.equal((await call('POST', `/v1/publications/${paused}/deactivate`)).statusCode, 200)

  const put = await call('PUT', '/v1/jobs/edit-1', { ...JOB, title: 'Senior Node.js engineer', location: 'Одеса', remoteType: 'hybrid' })
  t.equal(put.statusCode, 200, put.body)
  t.same(control.updated.map(u => u.externalId).length, 3, 'the live ones and the inactive one whose posting is up; not the draft or the closed one')
  const byId = new Map(put.json().publications.map((p: { id: string }) => [p.id, p]))
  for (const id of [live, second, paused]) t.match(byId.get(id), { lastEdit: { status: 'applied', error: null, at: String } }, 'the answer shows each one\'s outcome')
  for (const id of [draft, closed]) t.match(byId.get(id), { lastEdit: null })

  const sent = control.updated.find(u => u.posting.fields.cityId === 'odesa')
  t.match(sent?.posting, { title: 'Senior Node.js engineer', fields: { cityId: 'odesa', workFormat: 'hybrid', salaryFrom: 60000 } }, 'the board got the job mapped anew')
  t.ok(control.updated.some(u => u.posting.fields.cityId === 'kyiv'), 'a publication\'s own field still wins over the job')

  const view = (await call('GET', `/v1/publications/${live}`)).json()
  t.match(view, { status: 'published', lastEdit: { status: 'applied', error: null } })
  const emitted = await events(app, live)
  t.equal(emitted.length, 1)
  t.match(emitted[0], { publicationId: live, board: 'sandbox', cause: 'job_edit', lastEdit: { status: 'applied', error: null } })
  t.ok(Value.Check(EVENT_DATA['publication.updated'], emitted[0]), 'the event fits its documented schema')
  t.same(await events(app, draft), [], 'no event for a draft')

  control.updated.length = 0
  t.equal((await call('PUT', '/v1/jobs/edit-1', { ...JOB, title: 'Senior Node.js engineer', location: 'Одеса', remoteType: 'hybrid' })).statusCode, 200)
  t.same(control.updated, [], 'the same job again changes nothing on the boards')
  t.equal((await events(app, live)).length, 1)
})

t.test('a refusal leaves the posting as it was and says why; the job is stored either way', async t => {
  const { app, call, control, integrationId } = await setup(t)
  await call('PUT', '/v1/jobs/edit-2', JOB)
  const id = await publication(call, integrationId, 'edit-2', true)

  control.fail.update = () => new BoardError({ board: 'sandbox', kind: 'rejected', detail: 'the title is too loud', field: 'title', boardStatus: 400 })
  const refused = await call('PUT', '/v1/jobs/edit-2', { ...JOB, title: 'BEST JOB EVER!!!' })
  t.equal(refused.statusCode, 200, 'the job is stored')
  t.equal(refused.json().title, 'BEST JOB EVER!!!')
  t.match(refused.json().publications[0].lastEdit, { status: 'refused', error: { code: 'JOBSYNC_ERR_BOARD_REJECTED', detail: 'the title is too loud', field: 'title', boardStatus: 400 } })
  t.match((await call('GET', `/v1/publications/${id}`)).json(), { status: 'published', posting: { state: 'pending_review' }, lastEdit: { status: 'refused' } }, 'the publication and its posting are as they were')

  control.fail.update = () => new BoardError({ board: 'sandbox', kind: 'unavailable', detail: 'down', boardStatus: 503 })
  const failed = await call('PUT', '/v1/jobs/edit-2', { ...JOB, title: 'Engineer, take three' })
  t.match(failed.json().publications[0].lastEdit, { status: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE' } })

  control.fail.update = () => new BoardError({ board: 'sandbox', kind: 'invalid_credentials', detail: 'revoked', boardStatus: 401 })
  const dead = await call('PUT', '/v1/jobs/edit-2', { ...JOB, title: 'Engineer, take four' })
  t.match(dead.json().publications[0].lastEdit, { status: 'failed', error: { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' } })
  t.equal((await call('GET', `/v1/integrations/${integrationId}`)).json().status, 'invalid_credentials', 'dead credentials mark the integration')

  t.same((await events(app, id)).map(e => e.lastEdit.status), ['refused', 'failed', 'failed'], 'an event for each push')
  t.equal((await app.db.selectFrom('publications').select('action').where('id', '=', id).executeTakeFirstOrThrow()).action, null, 'no action mark is left behind')
})

t.test('a job the board cannot take: the push is refused by jobsync before the board is asked', async t => {
  const { call, control, integrationId } = await setup(t)
  await call('PUT', '/v1/jobs/edit-3', JOB)
  await publication(call, integrationId, 'edit-3', true)
  const res = await call('PUT', '/v1/jobs/edit-3', { ...JOB, location: 'Первомайськ', salary: { from: 3000, currency: 'EUR' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().publications[0].lastEdit, { status: 'refused', error: { code: 'JOBSYNC_ERR_JOB_DOES_NOT_FIT', errors: [{ pointer: '/location' }, { pointer: '/salary' }] } })
  t.same(control.updated, [], 'the board was not asked')
})

t.test('a publication busy with another action: the push does not reach it, and it says so', async t => {
  const { app, call, control, integrationId } = await setup(t)
  await call('PUT', '/v1/jobs/edit-4', JOB)
  const id = await publication(call, integrationId, 'edit-4', true)
  // a close under way on another replica
  await app.db.updateTable('publications').set({ action: 'close', action_started_at: new Date() }).where('id', '=', id).execute()
  const res = await call('PUT', '/v1/jobs/edit-4', { ...JOB, title: 'Changed while closing' })
  t.equal(res.statusCode, 200)
  t.match(res.json().publications[0].lastEdit, { status: 'failed', error: { code: 'JOBSYNC_ERR_CONFLICT', detail: /close is under way/ } })
  t.same(control.updated, [])
  t.equal((await app.db.selectFrom('publications').select('action').where('id', '=', id).executeTakeFirstOrThrow()).action, 'close', 'the other action keeps its mark')

  // and a push under way makes another action on the publication wait its turn (409)
  await app.db.updateTable('publications').set({ action: null, action_started_at: null }).where('id', '=', id).execute()
  let release: () => void = () => {}
  let entered: () => void = () => {}
  const held = new Promise<void>(resolve => { release = resolve })
  const inUpdate = new Promise<void>(resolve => { entered = resolve })
  const sandbox = control.boards.get('sandbox') as { update: BoardAdapter['update'] }
  const update = sandbox.update
  sandbox.update = async (...args) => { entered(); await held; await update(...args) }
  const pushing = call('PUT', '/v1/jobs/edit-4', { ...JOB, title: 'Changed again' })
  await inUpdate
  const close = await call('POST', `/v1/publications/${id}/close`)
  t.equal(close.statusCode, 409)
  t.match(problemOf(close).detail, /update is under way/)
  release()
  t.match((await pushing).json().publications[0].lastEdit, { status: 'applied' })
})

t.test('remoteType is part of the job', async t => {
  const { call } = await setup(t)
  const created = await call('PUT', '/v1/jobs/edit-5', { ...JOB, remoteType: 'remote' })
  t.match(created.json(), { remoteType: 'remote' })
  t.equal((await call('GET', '/v1/jobs/edit-5')).json().remoteType, 'remote')
  t.equal((await call('PUT', '/v1/jobs/edit-5', { title: 'x', description: 'y' })).json().remoteType, null, 'a PUT replaces it too')
  const bad = await call('PUT', '/v1/jobs/edit-5', { ...JOB, remoteType: 'moon' })
  t.equal(bad.statusCode, 400)
  t.match(problemOf(bad).errors, [{ pointer: '/remoteType', detail: /office, remote, hybrid/ }])
})
