// A host's whole journey against a running jobsync, written from the OpenAPI document alone: the types
// are openapi/jobsync-api.d.ts (openapi-typescript), the client is openapi-fetch.
//   JOBSYNC_URL=http://127.0.0.1:3000 ADMIN_API_KEY=… npx tsx examples/host-journey.ts
// tenant → key → sandbox → job → publish → sync → feed to the end → candidate → outcome → webhook verified.
// .ci/run type-checks it and runs it against a service it starts.
import createClient from 'openapi-fetch'
import { createServer, type IncomingMessage } from 'node:http'
import { Webhook } from 'standardwebhooks'
import type { AddressInfo } from 'node:net'
import type { paths } from '../openapi/jobsync-api.js'

const baseUrl = process.env.JOBSYNC_URL ?? 'http://127.0.0.1:3000'
const adminKey = process.env.ADMIN_API_KEY ?? ''
if (adminKey === '') throw new Error('set ADMIN_API_KEY to the admin key the service was started with')

const step = (text: string) => { process.stdout.write(`✓ ${text}\n`) }

/** the data of an openapi-fetch answer, or an error naming the problem jobsync sent */
function ok<T> (what: string, result: { data?: T, error?: unknown, response: Response }): T {
  if (result.data === undefined) throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`)
  return result.data
}

// the webhook receiver: the host's endpoint, here on a local port
interface Delivery { headers: IncomingMessage['headers'], body: string }
const deliveries: Delivery[] = []
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
    response.writeHead(204).end()
  })
})
await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/jobsync`

/** Standard Webhooks, verified with its own package: the signature, the id and a fresh timestamp */
function verifySignature (secret: string, delivery: Delivery): boolean {
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name, String(value ?? '')]))
  try {
    new Webhook(secret).verify(delivery.body, headers)
    return true
  } catch {
    return false
  }
}

try {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminKey}` } })
  const tenant = ok('create the tenant', await admin.POST('/v1/admin/tenants', { body: { name: `Host journey ${Date.now()}` } }))
  step(`tenant ${tenant.id}`)
  const issued = ok('issue its key', await admin.POST('/v1/admin/tenants/{tenantId}/api-keys', { params: { path: { tenantId: tenant.id } }, body: { name: 'host journey' } }))
  step(`key ${issued.id} issued`)

  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${issued.key}` } })
  const me = ok('check the key', await api.GET('/v1/me'))
  if (me.tenant.id !== tenant.id) throw new Error('the key belongs to another tenant')

  const webhook = ok('subscribe the webhook', await api.POST('/v1/webhooks', { body: { url: receiverUrl, events: ['application.created'] } }))
  step(`webhook ${webhook.id} subscribed`)

  const integration = ok('install the sandbox', await api.POST('/v1/integrations', { body: { board: 'sandbox', name: 'Try-out', credentials: {} } }))
  step(`sandbox integration ${integration.id} (${integration.status})`)

  const hostJobId = `journey-${Date.now()}`
  const job = ok('store the job', await api.PUT('/v1/jobs/{hostJobId}', {
    params: { path: { hostJobId } },
    body: { title: 'Senior Node.js engineer', description: '<p>Node.js, PostgreSQL, a calm team.</p>', location: 'Київ', remoteType: 'hybrid', tags: ['node'] }
  }))
  step(`job ${job.hostJobId}`)

  const publication = ok('publish', await api.POST('/v1/jobs/{hostJobId}/publications', {
    params: { path: { hostJobId } },
    body: { integrationId: integration.id, fields: { applicants: 3 }, publicationType: 'standard', publish: true }
  }))
  step(`publication ${publication.id}: ${publication.status}, posting ${publication.posting.state}`)

  // publishing starts the first sync itself: asking again while it runs is a 409, which is fine here
  const started = await api.POST('/v1/publications/{id}/sync', { params: { path: { id: publication.id } } })
  if (started.response.status === 409) step(`a sync is running already (${started.error?.detail ?? ''})`)
  else step(`sync started (${ok('sync now', started).status}); follow it at ${started.response.headers.get('location') ?? '?'}`)

  // the feed, to the end: poll with the last cursor until the sync's applicants are all there
  const seen = new Map<string, { id: string, candidateId: string }>()
  let after: string | undefined
  for (let attempt = 0; attempt < 60 && seen.size < 3; attempt++) {
    const page = ok('read the feed', await api.GET('/v1/applications', { params: { query: { publicationId: publication.id, ...(after !== undefined ? { after } : {}) } } }))
    for (const application of page.items) seen.set(application.id, { id: application.id, candidateId: application.candidateId })
    if (page.nextCursor !== null) after = page.nextCursor
    else if (seen.size < 3) await new Promise(resolve => setTimeout(resolve, 500))
  }
  if (seen.size < 3) throw new Error(`the feed gave ${seen.size} applications, not the sandbox's 3`)
  step(`feed read to the end: ${seen.size} applications`)

  const first = [...seen.values()][0]!
  const candidate = ok('read the candidate', await api.GET('/v1/candidates/{id}', { params: { path: { id: first.candidateId } } }))
  step(`candidate ${candidate.id} with ${candidate.applications.length} application(s)`)

  const decided = ok('record the outcome', await api.POST('/v1/applications/{id}/outcome', { params: { path: { id: first.id } }, body: { outcome: 'invited' } }))
  step(`outcome ${decided.outcome ?? '?'} recorded`)

  for (let attempt = 0; attempt < 60 && deliveries.length === 0; attempt++) await new Promise(resolve => setTimeout(resolve, 500))
  const delivery = deliveries[0]
  if (delivery === undefined) throw new Error('no webhook delivery arrived')
  if (!verifySignature(webhook.secret, delivery)) throw new Error('the webhook delivery does not verify with the secret')
  const event = JSON.parse(delivery.body) as { type: string }
  step(`webhook ${event.type} delivered and verified`)
  process.stdout.write('host journey: done\n')
} finally {
  receiver.close()
}
