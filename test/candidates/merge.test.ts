// The host merges candidates it knows are one person: applications and identities move, blanks are
// filled, the merged ids answer 404 naming where they went, later applications join the survivor,
// and `candidate.merged` reaches the webhooks.
import t from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'

interface CandidateView { id: string, firstName: string | null, emails: string[], phones: string[], birthDate: string | null, applications: Array<{ id: string, candidateId: string }> }

async function sandboxCandidates (app: TestApp, call: Call, hostJobId: string, applicants: number): Promise<CandidateView[]> {
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: hostJobId } })).json().id
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants, arrivalsPerSync: 0 }, publicationType: 'standard', publish: true })).json()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  const items = (await call('GET', `/v1/applications?publicationId=${pub.id}&limit=200`)).json().items as Array<{ candidateId: string }>
  const people: CandidateView[] = await Promise.all(items.map(async a => (await call('GET', `/v1/candidates/${a.candidateId}`)).json()))
  // the sandbox's first three applicants apply to every sandbox posting: only the others are this posting's own
  return people.filter(p => !p.emails.some(e => e.startsWith('shared.')))
}

t.test('two candidates merged into one', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const people = await sandboxCandidates(app, call, 'merge-1', 6)
  const [target, a, b] = people as [CandidateView, CandidateView, CandidateView]
  await app.db.updateTable('candidates').set({ birth_date: null }).where('id', '=', target.id).execute()

  const merged = await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [a.id, b.id] })
  t.equal(merged.statusCode, 200, merged.body)
  const view = merged.json() as CandidateView
  t.equal(view.id, target.id)
  t.same(new Set(view.applications.map(x => x.id)), new Set([...target.applications, ...a.applications, ...b.applications].map(x => x.id)), 'every application moved over')
  t.ok(view.applications.every(x => x.candidateId === target.id))
  t.same(new Set(view.emails), new Set([...target.emails, ...a.emails, ...b.emails]), 'the emails of all three')
  t.same(new Set(view.phones), new Set([...target.phones, ...a.phones, ...b.phones]))
  t.equal(view.firstName, target.firstName, 'a filled field is kept')
  t.equal(view.birthDate, a.birthDate, 'a blank is filled from the first merged that has it')

  t.match(problemOf(await call('GET', `/v1/candidates/${a.id}`)), { status: 404, mergedInto: target.id, detail: new RegExp(`merged into ${target.id}`) })
  const identities = await app.db.selectFrom('candidate_identities').select('candidate_id').where('value', 'in', [...a.emails, ...b.phones]).execute()
  t.ok(identities.length > 0 && identities.every(i => i.candidate_id === target.id), 'later applications with their emails or phones join the survivor')

  // merged again into a third: the first merge's ids now point at the newest survivor
  const [other] = (await sandboxCandidates(app, call, 'merge-2', 4)) as [CandidateView]
  const again = await call('POST', `/v1/candidates/${other.id}/merge`, { candidateIds: [target.id] })
  t.equal(again.statusCode, 200, again.body)
  t.match(problemOf(await call('GET', `/v1/candidates/${a.id}`)), { mergedInto: other.id })
  t.equal((await call('GET', `/v1/candidates/${other.id}`)).json().applications.length, other.applications.length + view.applications.length)
})

t.test('merge refusals: itself, unknown or foreign ids, bad bodies; nothing changes', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const stranger = await tenantCaller(app)
  const [target, a] = (await sandboxCandidates(app, call, 'merge-3', 5)) as [CandidateView, CandidateView]
  const [foreign] = (await sandboxCandidates(app, stranger, 'merge-4', 4)) as [CandidateView]
  const before = await app.db.selectFrom('applications').select(['id', 'candidate_id', 'updated_at']).orderBy('id').execute()

  t.match(problemOf(await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [a.id, target.id] })), { status: 400, errors: [{ pointer: '/candidateIds/1' }] })
  t.match(problemOf(await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [a.id, foreign.id] })), { status: 400, errors: [{ pointer: '/candidateIds/1', detail: /not a candidate of this tenant/ }] })
  t.match(problemOf(await call('POST', `/v1/candidates/${foreign.id}/merge`, { candidateIds: [a.id] })), { status: 404 }, 'another tenant\'s target')
  t.equal((await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [] })).statusCode, 400)
  t.equal((await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: ['nope'] })).statusCode, 400)
  t.equal((await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [a.id], extra: 1 })).statusCode, 400)
  t.same(await app.db.selectFrom('applications').select(['id', 'candidate_id', 'updated_at']).orderBy('id').execute(), before, 'no application moved')
  t.equal((await app.db.selectFrom('candidate_merges').select('from_id').where('from_id', 'in', [a.id, target.id, foreign.id]).execute()).length, 0)
})

t.test('candidate.merged reaches a webhook', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const { createServer } = await import('node:http')
  const bodies: string[] = []
  const server = createServer((req, res) => { let b = ''; req.on('data', c => { b += String(c) }); req.on('end', () => { bodies.push(b); res.writeHead(204).end() }) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  const port = (server.address() as { port: number }).port
  await call('POST', '/v1/webhooks', { url: `http://127.0.0.1:${port}/h`, events: ['candidate.merged'] })
  const [target, a] = (await sandboxCandidates(app, call, 'merge-5', 5)) as [CandidateView, CandidateView]
  await call('POST', `/v1/candidates/${target.id}/merge`, { candidateIds: [a.id] })
  await app.app.dispatcher.drain()
  t.match(bodies.map(b => JSON.parse(b)), [{ type: 'candidate.merged', data: { candidateId: target.id, mergedCandidateIds: [a.id] } }])
})
