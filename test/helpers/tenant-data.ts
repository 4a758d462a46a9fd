// A tenant with one of everything a tenant owns, made through the API on the sandbox board: an
// integration, a job, a published and synced publication (so candidates and applications exist),
// a webhook with deliveries, and a second API key. Plus the value of every id a route's path can
// name, so suites driven by the OpenAPI document can fill in any route.
import { bearer, type TestApp } from './app.js'
import { LONG_DESCRIPTION } from './publishing.js'
import { fillPath, validValue, withQuery, type Operation } from './routes.js'

export interface TenantData {
  tenantId: string
  tenantName: string
  key: string
  keyId: string
  integrationId: string
  integrationName: string
  hostJobId: string
  jobTitle: string
  publicationId: string
  applicationIds: string[]
  candidateIds: string[]
  /** names and emails of the synced candidates */
  people: string[]
  webhookId: string
  webhookUrl: string
  deliveryId: string
}

// nothing listens on port 9 (discard): deliveries fail fast and stay pending
const DEAD_RECEIVER = 'http://127.0.0.1:9/hooks'

/** a new tenant with data; `label` makes its names unique and easy to spot in a response */
export async function seedTenant (app: TestApp, label: string): Promise<TenantData> {
  const tenantName = `${label} company`
  const { id: tenantId, key, keyId } = await app.tenant(tenantName)
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`)
    return res.json()
  }
  const webhookUrl = `${DEAD_RECEIVER}/${label}`
  const webhook = await call('POST', '/v1/webhooks', { url: webhookUrl, events: ['application.created', 'publication.status_changed'], description: `${label} hook` })
  const integrationName = `${label} sandbox`
  const integration = await call('POST', '/v1/integrations', { board: 'sandbox', name: integrationName, credentials: {} })
  const hostJobId = `${label}-job`
  const jobTitle = `${label} engineer`
  await call('PUT', `/v1/jobs/${hostJobId}`, { title: jobTitle, description: LONG_DESCRIPTION })
  const publication = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId: integration.id, fields: { applicants: 3 }, publicationType: 'standard', publish: true })
  await app.app.scheduler.tick()
  await app.app.scheduler.idle()
  await app.app.dispatcher.drain()

  const listed = (await call('GET', `/v1/applications?publicationId=${publication.id as string}&limit=200`)).items as Array<{ id: string, candidateId: string, photoUrl: string | null }>
  // the first one has a photo, so every read of "an application" (its photo too) has something to show
  const applications = [...listed.filter(a => a.photoUrl !== null), ...listed.filter(a => a.photoUrl === null)]
  if (applications.length === 0) throw new Error('the sandbox sync made no applications')
  if (applications[0]!.photoUrl === null) throw new Error('none of the sandbox applicants has a photo')
  const candidates = await Promise.all([...new Set(applications.map(a => a.candidateId))].map(async id => await call('GET', `/v1/candidates/${id}`)))
  const people = candidates.flatMap(c => [[c.firstName, c.lastName].filter(Boolean).join(' '), ...(c.emails as string[])]).filter(s => s !== '')
  const deliveries = (await call('GET', `/v1/webhooks/${webhook.id as string}/deliveries`)).items as Array<{ id: string }>
  if (deliveries.length === 0) throw new Error('the webhook got no deliveries')

  return {
    tenantId,
    tenantName,
    key,
    keyId,
    integrationId: integration.id,
    integrationName,
    hostJobId,
    jobTitle,
    publicationId: publication.id,
    applicationIds: applications.map(a => a.id),
    candidateIds: candidates.map(c => c.id as string),
    people,
    webhookId: webhook.id,
    webhookUrl,
    deliveryId: deliveries[0]!.id
  }
}

// which resource an `{id}` names, by the collection it follows
const idOfCollection: Record<string, (d: TenantData) => string> = {
  'api-keys': d => d.keyId,
  tenants: d => d.tenantId,
  integrations: d => d.integrationId,
  publications: d => d.publicationId,
  applications: d => d.applicationIds[0]!,
  candidates: d => d.candidateIds[0]!,
  webhooks: d => d.webhookId,
  deliveries: d => d.deliveryId
}

/** the tenant's value for every path parameter of the route; throws on a parameter it does not know */
export function pathValuesOf (op: Operation, data: TenantData): Record<string, string> {
  const values: Record<string, string> = {}
  const segments = op.path.split('/')
  for (const param of op.pathParams) {
    const at = segments.indexOf(`{${param.name}}`)
    const collection = segments[at - 1] ?? ''
    if (param.name === 'hostJobId') values[param.name] = data.hostJobId
    else if (param.name === 'tenantId') values[param.name] = data.tenantId
    else if (param.name === 'deliveryId') values[param.name] = data.deliveryId
    // a dictionary of the sandbox board, on which every tenant's data is made
    else if (param.name === 'name' && collection === 'dictionaries') values[param.name] = 'cities'
    else if (param.schema.enum !== undefined) values[param.name] = String(param.schema.enum[0])
    else if (idOfCollection[collection] !== undefined) values[param.name] = idOfCollection[collection](data)
    else throw new Error(`no tenant value for {${param.name}} of ${op.path}: teach test/helpers/tenant-data.ts`)
  }
  return values
}

/** values by property or query name: ids this tenant owns */
export function namedValueOf (data: TenantData): (name: string) => string | undefined {
  return name => ({ integrationId: data.integrationId, publicationId: data.publicationId, hostJobId: data.hostJobId } as Record<string, string>)[name]
}

/** every id and name of the tenant's data, to look for in another tenant's responses */
export function footprintOf (data: TenantData): string[] {
  return [
    data.tenantId, data.tenantName, data.keyId, data.integrationId, data.integrationName, data.hostJobId, data.jobTitle,
    data.publicationId, ...data.applicationIds, ...data.candidateIds, ...data.people, data.webhookId, data.webhookUrl, data.deliveryId
  ]
}

/** the request of `op` as `data`'s owner would make it: its ids in the path, query and body */
export function requestOf (op: Operation, data: TenantData): { method: Operation['method'], url: string, payload?: object } {
  const named = namedValueOf(data)
  const query: Record<string, string> = {}
  for (const param of op.queryParams) {
    const value = named(param.name) ?? (param.required ? String(validValue(param.schema)) : undefined)
    if (value !== undefined) query[param.name] = value
  }
  return {
    method: op.method,
    url: withQuery(fillPath(op.path, pathValuesOf(op, data)), query),
    ...(op.body === undefined ? {} : { payload: validValue(op.body, named) as object })
  }
}
