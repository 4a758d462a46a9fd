// The job fills the form: GET/POST /v1/jobs/{hostJobId}/publications/preview, and publish sending
// the job mapped into the board's fields with the publication's own over them; ids of dictionary
// fields checked against the board's dictionary. On the sandbox, whose board-side calls are recorded.
import t from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { controlledSandbox, type ControlledSandbox } from '../helpers/dictionary-boards.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import { BoardError } from '../../src/boards/errors.js'

const JOB = {
  title: 'Senior Node.js engineer',
  description: LONG_DESCRIPTION,
  location: 'Львів',
  salary: { from: 60000, to: 90000, currency: 'UAH' },
  employment: 'full_time',
  remoteType: 'hybrid',
  tags: ['node', 'postgres']
}

async function setup (t: Parameters<typeof build>[0]): Promise<{ app: TestApp, call: Call, control: ControlledSandbox, integrationId: string }> {
  const control = controlledSandbox()
  const app = await build(t, { boards: control.boards })
  const call = await tenantCaller(app)
  const res = await call('POST', '/v1/integrations', { board: 'sandbox', name: 'preview', credentials: { accountName: `p-${Math.random()}` } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { app, call, control, integrationId: res.json().id }
}

const put = async (call: Call, id: string, job: object = {}) => {
  const res = await call('PUT', `/v1/jobs/${id}`, { ...JOB, ...job })
  if (res.statusCode >= 300) throw new Error(res.body)
}

t.test('the preview: the job mapped into the board\'s fields, the payload the board would get, nothing published', async t => {
  const { call, control, integrationId } = await setup(t)
  await put(call, 'pv-1')
  const res = await call('GET', `/v1/jobs/pv-1/publications/preview?integrationId=${integrationId}&publicationType=featured`)
  t.equal(res.statusCode, 200, res.body)
  const preview = res.json()
  t.same(preview.fromJob, { cityId: 'lviv', salaryFrom: 60000, salaryTo: 90000, employment: 'full', workFormat: 'hybrid', skills: ['node', 'postgres'] })
  t.same(preview.fields, { ...preview.fromJob, applicants: 10, arrivalsPerSync: 0, moderation: 'approve' }, 'with the board\'s defaults')
  t.match(preview, { board: 'sandbox', integrationId, publicationType: 'featured', missing: [], problems: [], ready: true })
  t.same(preview.payload, {
    title: JOB.title,
    description_html: JOB.description,
    publication_type: 'featured',
    city: { id: 'lviv', name: 'Львів' },
    category_id: null,
    salary: { from: 60000, to: 90000, currency: 'UAH', period: 'month' },
    employment: 'full',
    work_format: 'hybrid',
    skills: ['node', 'postgres'],
    simulation: { applicants: 10, arrivals_per_sync: 0, moderation: 'approve' }
  })
  t.same(control.published, [], 'nothing was published')
  t.equal((await call('GET', '/v1/publications?hostJobId=pv-1')).json().items.length, 0, 'no publication was made')
  t.equal((await call('GET', `/v1/integrations/${integrationId}/publication-types`)).json().items[1].remaining, 2, 'no quota spent')
})

t.test('the publication\'s own fields override the job\'s; a form in progress is previewed by POST', async t => {
  const { call, integrationId } = await setup(t)
  await put(call, 'pv-2')
  const res = await call('POST', '/v1/jobs/pv-2/publications/preview', { integrationId, publicationType: 'standard', fields: { cityId: 'kyiv', categoryId: '101', applicants: 3 }, title: 'Node.js engineer (Kyiv office)' })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { fields: { cityId: 'kyiv', categoryId: '101', applicants: 3, salaryFrom: 60000 }, fromJob: { cityId: 'lviv' }, payload: { title: 'Node.js engineer (Kyiv office)', city: { id: 'kyiv', name: 'Київ' }, category_id: '101' }, ready: true })

  // a draft previewed as it stands, then with a change on top of it
  const draft = (await call('POST', '/v1/jobs/pv-2/publications', { integrationId, fields: { cityId: 'odesa' }, publicationType: 'standard' })).json()
  const asIs = await call('GET', `/v1/jobs/pv-2/publications/preview?publicationId=${draft.id as string}`)
  t.match(asIs.json(), { integrationId, publicationType: 'standard', fields: { cityId: 'odesa' }, ready: true })
  const changed = await call('POST', '/v1/jobs/pv-2/publications/preview', { publicationId: draft.id, fields: { cityId: 'dnipro' } })
  t.match(changed.json(), { publicationType: 'standard', fields: { cityId: 'dnipro' } })
})

t.test('what is missing and what does not fit: named, with the candidates of an ambiguous location', async t => {
  const { call, integrationId } = await setup(t)
  await put(call, 'pv-3', { location: 'Первомайськ', salary: { from: 2000, currency: 'USD' }, employment: 'temporary' })
  const res = await call('GET', `/v1/jobs/pv-3/publications/preview?integrationId=${integrationId}`)
  t.equal(res.statusCode, 200)
  const preview = res.json()
  t.equal(preview.ready, false)
  t.equal(preview.publicationType, null, 'two types: none chosen')
  t.match(preview.missing, [{ in: 'body', pointer: '/publicationType', detail: /is required to publish on Sandbox \(one of: standard, featured\)/ }])
  t.match(preview.problems, [
    { pointer: '/location', detail: /more than one Sandbox city/, candidates: [{ id: 'pervomaisk-mk', name: 'Первомайськ', parentId: 'mykolaivska' }, { id: 'pervomaisk-lh', name: 'Первомайськ', parentId: 'luhanska' }], fields: ['cityId'] },
    { pointer: '/salary', detail: /UAH only, not USD/, candidates: [], fields: ['salaryFrom', 'salaryTo'] },
    { pointer: '/employment', detail: /no temporary employment/, fields: ['employment'] }
  ])
  t.notOk('cityId' in preview.fromJob)

  // the oblast settles the location; the publication's own fields settle the rest
  await put(call, 'pv-3', { location: 'Первомайськ, Луганська область', salary: { from: 2000, currency: 'USD' }, employment: 'temporary' })
  const settled = await call('POST', '/v1/jobs/pv-3/publications/preview', { integrationId, publicationType: 'standard', fields: { salaryFrom: 80000, employment: 'contract' } })
  t.match(settled.json(), { fromJob: { cityId: 'pervomaisk-lh' }, fields: { cityId: 'pervomaisk-lh', salaryFrom: 80000, employment: 'contract' }, missing: [], problems: [], ready: true })

  await put(call, 'pv-4', { location: 'Atlantis', salary: { from: 90000, to: 60000, currency: 'UAH' } })
  const unknown = (await call('GET', `/v1/jobs/pv-4/publications/preview?integrationId=${integrationId}&publicationType=standard`)).json()
  t.match(unknown.problems, [
    { pointer: '/location', detail: 'no Sandbox city is called "Atlantis": set fields.cityId (dictionary cities)', candidates: [] },
    { pointer: '/salary', detail: /from \(90000\) is above its to \(60000\)/ }
  ])
  const english = (await call('POST', '/v1/jobs/pv-4/publications/preview', { integrationId, publicationType: 'standard', fields: { salaryFrom: 1 } })).json()
  t.equal(english.problems.length, 1, 'the salary is settled, the location is not')

  await put(call, 'pv-5', { location: 'Kyiv, Ukraine', salary: null, employment: null, remoteType: null, tags: [] })
  t.same((await call('GET', `/v1/jobs/pv-5/publications/preview?integrationId=${integrationId}&publicationType=standard`)).json().fromJob, { cityId: 'kyiv' }, 'an English name the sandbox knows')

  const wrong = (await call('POST', '/v1/jobs/pv-5/publications/preview', { integrationId, publicationType: 'gold', fields: { cityId: 'atlantis', applicants: 'many', colour: 'red' } })).json()
  t.same(wrong.missing.map((e: { pointer: string }) => e.pointer).sort(), ['/fields/applicants', '/fields/cityId', '/fields/colour', '/publicationType'], 'every field a publish would refuse')
})

t.test('preview: bad input names the field', async t => {
  const { app, call, integrationId } = await setup(t)
  const other = await tenantCaller(app)
  await put(call, 'pv-6')
  await put(call, 'pv-7')
  const pub = (await call('POST', '/v1/jobs/pv-7/publications', { integrationId, publicationType: 'standard' })).json()

  const none = await call('GET', '/v1/jobs/pv-6/publications/preview')
  t.equal(none.statusCode, 400)
  t.match(problemOf(none).errors, [{ in: 'query', pointer: '/integrationId', detail: /is required/ }])
  const foreign = await call('GET', '/v1/jobs/pv-6/publications/preview?integrationId=00000000-0000-4000-8000-000000000000')
  t.equal(foreign.statusCode, 400)
  t.match(problemOf(foreign).errors, [{ in: 'query', pointer: '/integrationId', detail: 'is not an integration of this tenant' }])
  const elsewhere = await call('GET', `/v1/jobs/pv-6/publications/preview?publicationId=${pub.id as string}`)
  t.equal(elsewhere.statusCode, 400)
  t.match(problemOf(elsewhere).errors, [{ in: 'query', pointer: '/publicationId', detail: 'is not a publication of job pv-6' }])
  const body = await call('POST', '/v1/jobs/pv-6/publications/preview', { integrationId, fields: 'all' })
  t.equal(body.statusCode, 400)
  t.match(problemOf(body).errors, [{ in: 'body', pointer: '/fields' }])
  t.equal((await call('GET', `/v1/jobs/no-such-job/publications/preview?integrationId=${integrationId}`)).statusCode, 404)
  t.equal((await other('GET', `/v1/jobs/pv-6/publications/preview?integrationId=${integrationId}`)).statusCode, 404, 'another tenant: no such job')
})

t.test('publish sends the job mapped into the board\'s fields, the publication\'s own over them', async t => {
  const { call, control, integrationId } = await setup(t)
  await put(call, 'pub-1')
  const res = await call('POST', '/v1/jobs/pub-1/publications', { integrationId, fields: { applicants: 0, categoryId: '103' }, publicationType: 'standard', publish: true })
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json().fields, { applicants: 0, categoryId: '103' }, 'the publication keeps its own fields only')
  t.same(control.published[0], {
    title: JOB.title,
    description: JOB.description,
    publicationType: 'standard',
    fields: { cityId: 'lviv', salaryFrom: 60000, salaryTo: 90000, employment: 'full', workFormat: 'hybrid', skills: ['node', 'postgres'], applicants: 0, categoryId: '103', arrivalsPerSync: 0, moderation: 'approve' }
  })
})

t.test('publish refuses a job the board cannot take, naming the job field; the publication\'s own field settles it', async t => {
  const { call, control, integrationId } = await setup(t)
  await put(call, 'pub-2', { location: 'Первомайськ' })
  const refused = await call('POST', '/v1/jobs/pub-2/publications', { integrationId, fields: { applicants: 0 }, publicationType: 'standard', publish: true })
  t.equal(refused.statusCode, 422)
  const problem = problemOf(refused)
  t.match(problem, {
    code: 'JOBSYNC_ERR_JOB_DOES_NOT_FIT',
    publicationStatus: 'error',
    errors: [{ in: 'body', pointer: '/location', detail: /more than one Sandbox city/ }],
    problems: [{ pointer: '/location', candidates: [{ id: 'pervomaisk-mk' }, { id: 'pervomaisk-lh' }], fields: ['cityId'] }]
  })
  t.same(control.published, [], 'nothing reached the board')
  const stored = (await call('GET', `/v1/publications/${problem.publicationId as string}`)).json()
  t.match(stored, { status: 'error', error: { code: 'JOBSYNC_ERR_JOB_DOES_NOT_FIT', errors: [{ pointer: '/location' }] } })

  t.equal((await call('PATCH', `/v1/publications/${problem.publicationId as string}`, { fields: { applicants: 0, cityId: 'pervomaisk-lh' } })).statusCode, 200)
  const published = await call('POST', `/v1/publications/${problem.publicationId as string}/publish`)
  t.equal(published.json().status, 'published', published.body)
  t.equal(control.published[0]?.fields.cityId, 'pervomaisk-lh')
})

t.test('ids of dictionary fields are checked against the board\'s dictionary, at create, edit and publish', async t => {
  const { app, call, control, integrationId } = await setup(t)
  await put(call, 'ids-1')
  const created = await call('POST', '/v1/jobs/ids-1/publications', { integrationId, fields: { cityId: 'atlantis', categoryId: '101' } })
  t.equal(created.statusCode, 400)
  t.match(problemOf(created).errors, [{ in: 'body', pointer: '/fields/cityId', detail: '"atlantis" is not an id of dictionary cities of Sandbox' }])

  // an id of another board's dictionary says so
  const workua = (await call('POST', '/v1/integrations', { board: 'workua', name: 'other board', credentials: {} })).json().id
  t.equal((await call('GET', `/v1/integrations/${workua as string}/dictionaries/regions`)).statusCode, 200)
  const foreign = await call('POST', '/v1/jobs/ids-1/publications', { integrationId, fields: { cityId: 'r-5' } })
  t.equal(foreign.statusCode, 400)
  t.match(problemOf(foreign).errors, [{ pointer: '/fields/cityId', detail: '"r-5" is not an id of dictionary cities of Sandbox (it is an id of Work.ua regions: another board\'s)' }])

  const draft = (await call('POST', '/v1/jobs/ids-1/publications', { integrationId, fields: { cityId: 'odesa' }, publicationType: 'standard' })).json()
  const edit = await call('PATCH', `/v1/publications/${draft.id as string}`, { fields: { categoryId: '999' } })
  t.equal(edit.statusCode, 400)
  t.match(problemOf(edit).errors, [{ pointer: '/fields/categoryId', detail: /not an id of dictionary categories/ }])

  // the dictionary changed on the board since: the publish says which id went away
  control.serveCities([{ id: 'kyiv', name: 'Київ', parentId: null }])
  await app.db.updateTable('dictionary_copies').set({ checked_at: new Date(Date.now() - 2 * 86_400_000) }).where('board', '=', 'sandbox').where('name', '=', 'cities').execute()
  await call('GET', `/v1/integrations/${integrationId}/dictionaries/cities`)
  await app.app.dictionaries.idle()
  const gone = await call('POST', `/v1/publications/${draft.id as string}/publish`)
  t.equal(gone.statusCode, 400)
  t.match(problemOf(gone), { publicationStatus: 'error', errors: [{ pointer: '/fields/cityId', detail: '"odesa" is not an id of dictionary cities of Sandbox' }] })
})

t.test('a dictionary that cannot be fetched does not block: the board judges the ids itself', async t => {
  const { app, call, control, integrationId } = await setup(t)
  await app.db.deleteFrom('dictionary_copies').execute()
  await put(call, 'ids-2', { location: null })
  control.fail.dictionaries = () => new BoardError({ board: 'sandbox', kind: 'unavailable', detail: 'down' })
  const created = await call('POST', '/v1/jobs/ids-2/publications', { integrationId, fields: { cityId: 'anywhere', applicants: 0 }, publicationType: 'standard', publish: true })
  t.equal(created.statusCode, 201, created.body)
  t.equal(control.published[0]?.fields.cityId, 'anywhere')
  // a job whose location must be looked up cannot be mapped while the board is down: its problem, not a guess
  await put(call, 'ids-3')
  const looked = await call('POST', '/v1/jobs/ids-3/publications', { integrationId, fields: { applicants: 0 }, publicationType: 'standard', publish: true })
  t.equal(looked.statusCode, 502)
  t.match(problemOf(looked), { code: 'JOBSYNC_ERR_BOARD_UNAVAILABLE', publicationStatus: 'error' })
})
