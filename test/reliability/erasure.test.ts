// Erasure: DELETE /v1/candidates/{id} leaves nothing of the person in any table (their name, emails
// and phones, searched in every column of every row), tells the webhooks with ids only, and a later
// application from them makes a new candidate.
import t from 'tap'
import { bearer, build } from '../helpers/app.js'
import { databaseContents } from '../helpers/db-contents.js'
import { LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import { startWebhookReceiver } from '../helpers/webhook-receiver.js'

interface Person { id: string, firstName: string, lastName: string, emails: string[], phones: string[], applications: Array<{ id: string }> }

/** how many rows of each table hold any of the needles (the tables with none are left out) */
async function hits (db: Parameters<typeof databaseContents>[0], needles: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {}
  for (const [table, rows] of await databaseContents(db)) {
    const n = rows.filter(row => needles.some(needle => row.includes(needle))).length
    if (n > 0) found[table] = n
  }
  return found
}

async function publishAndSync (app: Awaited<ReturnType<typeof build>>, call: Call, integrationId: string, hostJobId: string, applicants: number): Promise<string> {
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: hostJobId, description: LONG_DESCRIPTION })
  const pub = (await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: { applicants, arrivalsPerSync: 0 }, publicationType: 'standard', publish: true })).json()
  await app.app.scheduler.tick(); await app.app.scheduler.idle()
  return pub.id
}

t.test('an erased candidate leaves no trace; the same person applying again is a new candidate', async t => {
  const app = await build(t)
  const { key: tenantKey } = await app.tenant()
  const call: Call = async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(tenantKey), ...(payload === undefined ? {} : { payload }) })
  const receiver = await startWebhookReceiver()
  t.teardown(() => receiver.close())
  const hook = (await call('POST', '/v1/webhooks', { url: receiver.url, events: ['application.created', 'application.updated', 'candidate.merged', 'candidate.erased'] })).json()
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'erasure' } })).json().id
  const first = await publishAndSync(app, call, integrationId, 'erase-1', 5)

  const items = (await call('GET', `/v1/applications?publicationId=${first}&limit=50`)).json().items as Array<{ id: string, candidateId: string, emails: string[] }>
  const personOf = async (email: string): Promise<Person> => (await call('GET', `/v1/candidates/${items.find(i => i.emails.includes(email))!.candidateId}`)).json()
  // shared.1 applies to every sandbox posting (it comes back below); another person is merged into them
  const person = await personOf('shared.1@sandbox.jobsync.dev')
  const other = (await call('GET', `/v1/candidates/${items.find(i => !i.emails[0]!.startsWith('shared.'))!.candidateId}`)).json() as Person
  // the merge and the outcome carry Idempotency-Keys: their stored answers hold the person
  const keyed = async (url: string, payload: object, idempotencyKey: string) =>
    await app.app.inject({ method: 'POST', url, payload, headers: { ...bearer(tenantKey), 'idempotency-key': idempotencyKey } })
  t.equal((await keyed(`/v1/candidates/${person.id}/merge`, { candidateIds: [other.id] }, 'merge-1')).statusCode, 200)
  const applications = (await call('GET', `/v1/candidates/${person.id}`)).json().applications as Array<{ id: string }>
  t.equal(applications.length, 2)
  t.equal((await keyed(`/v1/applications/${applications[0]!.id}/outcome`, { outcome: 'invited' }, 'outcome-1')).statusCode, 200)
  const bystander = items.find(i => i.candidateId !== person.id && i.candidateId !== other.id)!
  t.equal((await keyed(`/v1/applications/${bystander.id}/outcome`, { outcome: 'invited' }, 'outcome-other')).statusCode, 200, 'a keyed request about someone else')
  const keysStored = async () => (await app.db.selectFrom('idempotency_keys').select('key').orderBy('key').execute()).map(r => r.key)
  t.same(await keysStored(), ['merge-1', 'outcome-1', 'outcome-other'])
  await app.app.dispatcher.drain()

  // the whole name, as text (a resume) and as columns (tab-joined by the scan): a first or last name
  // alone is someone else's too (the sandbox's recruiters are Olena Kovalenko and Taras Shevchuk)
  const needles = [person, other].flatMap(p => [`${p.firstName} ${p.lastName}`, `${p.firstName}\t${p.lastName}`, ...p.emails, ...p.phones])
  const before = await hits(app.db, needles)
  t.match(before, { candidates: 1, applications: 2, candidate_identities: 4 }, 'the scan finds the person before')

  const countOf = async (publicationId: string) => (await call('GET', `/v1/publications/${publicationId}`)).json().applicationCount as number
  t.equal(await countOf(first), 5)
  const erased = await call('DELETE', `/v1/candidates/${person.id}`)
  t.equal(erased.statusCode, 204, erased.body)
  t.equal(await countOf(first), 3, 'the publication counts the applications left (both of the person\'s were on it)')
  t.same(await keysStored(), ['outcome-other'], 'the answers kept for requests about them are forgotten; another person\'s stays')
  const replayed = await keyed(`/v1/candidates/${person.id}/merge`, { candidateIds: [other.id] }, 'merge-1')
  t.equal(replayed.statusCode, 404, 'the same key and request act anew: the person is not there')
  t.equal((await call('GET', `/v1/applications?publicationId=${first}&limit=50`)).json().items.length, 3, 'as many as are listed')
  t.same(await hits(app.db, needles), {}, 'no table holds their name, email or phone')
  for (const id of [person.id, other.id]) {
    const gone = await call('GET', `/v1/candidates/${id}`)
    t.equal(gone.statusCode, 404)
    t.notMatch(gone.json(), { mergedInto: String }, 'no trace of where they went')
  }
  for (const a of applications) t.equal((await call('GET', `/v1/applications/${a.id}/resume`)).statusCode, 404)
  const leftOf = async (table: 'outbox_events' | 'webhook_deliveries' | 'outcome_shares' | 'candidate_merges' | 'candidate_identities', where: (row: Record<string, unknown>) => boolean) =>
    (await app.db.selectFrom(table).selectAll().execute() as Array<Record<string, unknown>>).filter(where)
  t.same(await leftOf('outcome_shares', r => applications.some(a => a.id === r.application_id)), [], 'no outcome shares')
  t.same(await leftOf('candidate_merges', r => r.into_id === person.id || r.from_id === other.id), [], 'no merges')
  const events = await leftOf('outbox_events', r => String(r.subject).includes(person.id) || String(r.subject).includes(other.id))
  t.same(events.map(e => e.type), ['candidate.erased'], 'of the events about them only the erasure is left')
  t.same(events[0]?.payload, { candidateId: person.id, applicationIds: applications.map(a => a.id).sort(), mergedCandidateIds: [other.id] }, 'ids only')

  await app.app.dispatcher.drain()
  t.ok(receiver.received.has(String(events[0]?.event_id)), 'candidate.erased reached the webhook')
  const deliveries = (await call('GET', `/v1/webhooks/${hook.id as string}/deliveries?limit=100`)).json().items as unknown[]
  t.ok(deliveries.length > 0, 'the webhook keeps its other deliveries')

  // the same person applies to another posting: a new candidate, nothing joined to the erased one
  const second = await publishAndSync(app, call, integrationId, 'erase-2', 2)
  const again = (await call('GET', `/v1/applications?publicationId=${second}&limit=50`)).json().items as Array<{ candidateId: string, emails: string[] }>
  const back = again.find(i => i.emails.includes('shared.1@sandbox.jobsync.dev'))
  t.ok(back !== undefined, 'their application is stored')
  t.not(back?.candidateId, person.id, 'as a new candidate')
  t.same((await call('GET', `/v1/candidates/${back!.candidateId}`)).json().applications.length, 1, 'with only the new application')
})

t.test('erasing is per tenant and answers 404 for what is not there', async t => {
  const app = await build(t)
  const call = await tenantCaller(app)
  const stranger = await tenantCaller(app)
  const integrationId = (await call('POST', '/v1/integrations', { board: 'sandbox', name: 'sb', credentials: { accountName: 'erasure-2' } })).json().id
  const pub = await publishAndSync(app, call, integrationId, 'erase-3', 4)
  const [a, b] = (await call('GET', `/v1/applications?publicationId=${pub}&limit=50`)).json().items as Array<{ candidateId: string }>
  t.equal((await stranger('DELETE', `/v1/candidates/${a!.candidateId}`)).statusCode, 404, 'another tenant cannot erase them')
  t.equal((await call('GET', `/v1/candidates/${a!.candidateId}`)).statusCode, 200, 'still there')
  t.equal((await call('DELETE', '/v1/candidates/not-a-uuid')).statusCode, 400)
  t.equal((await call('DELETE', `/v1/candidates/${a!.candidateId}`)).statusCode, 204)
  t.equal((await call('DELETE', `/v1/candidates/${a!.candidateId}`)).statusCode, 404, 'erased once')
  t.equal((await call('GET', `/v1/candidates/${b!.candidateId}`)).statusCode, 200, 'the others stay')
})
