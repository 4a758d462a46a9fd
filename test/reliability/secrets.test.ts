// After the whole API has been used against every fake board (install, publish, sync, outcomes,
// token refreshes, rotation, refusals, webhooks delivered with their secret, keys issued and
// revoked, every read route of the document), no board credential, OAuth token, API key (whole, or
// its secret part) or webhook secret is in plain text in any log line (at trace level), any
// response other than the one that shows it once, or any column of any table.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LightMyRequestResponse } from 'fastify'
import { ADMIN_KEY, bearer, build } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { fixtures, LONG_DESCRIPTION, type Call } from '../helpers/publishing.js'
import { documentedOperations, fillPath, withQuery, validValue } from '../helpers/routes.js'
import { apiKeyParts, assertNoSecrets, databaseText, secretsSentToBoards } from '../helpers/secret-scan.js'
import { pathValuesOf, seedTenant } from '../helpers/tenant-data.js'

const boards = await startFakeBoards()

t.test('no secret in plain text anywhere after the whole API ran', async t => {
  const testApp = await build(t, { env: { ...boards.env, LOG_LEVEL: 'trace' } })
  const { app, db, logs } = testApp

  const received: string[] = []
  const receiver = createServer((req, res) => { req.on('data', (c: Buffer) => received.push(c.toString())); req.on('end', () => res.writeHead(204).end()) })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => receiver.close(() => resolve())))

  const secrets = new Set<string>(apiKeyParts(ADMIN_KEY))
  const bodies: string[] = []
  /** responses that show a secret once by design: checked to hold it, kept out of the scan */
  const shownOnce: Array<{ res: LightMyRequestResponse, secret: string }> = []
  const issueKey = async (tenantId: string) => {
    const res = await app.inject({ method: 'POST', url: `/v1/admin/tenants/${tenantId}/api-keys`, headers: bearer(ADMIN_KEY), payload: { name: 'secret scan' } })
    const { key, id } = res.json() as { key: string, id: string }
    for (const part of apiKeyParts(key)) secrets.add(part)
    shownOnce.push({ res, secret: key })
    return { key, id }
  }
  const tenantId = (await app.inject({ method: 'POST', url: '/v1/admin/tenants', headers: bearer(ADMIN_KEY), payload: { name: 'Secret scan' } })).json().id as string
  const { key } = await issueKey(tenantId)
  const revoked = await issueKey(tenantId)
  bodies.push((await app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${revoked.id}`, headers: bearer(ADMIN_KEY) })).body)
  bodies.push((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(revoked.key) })).body)

  const call: Call = async (method, url, payload) => {
    const res = await app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
    // the credentials we hand over are secrets, except the names that say which key or login it is
    const credentials = (payload as { credentials?: Record<string, unknown> } | undefined)?.credentials ?? {}
    for (const [field, value] of Object.entries(credentials)) if (typeof value === 'string' && /key$|password|code|secret|token/i.test(field) && field !== 'keyName') secrets.add(value)
    if (/^POST \/v1\/webhooks$/.test(`${method} ${url}`) && res.statusCode === 201) {
      const secret = res.json().secret as string
      secrets.add(secret).add(secret.replace(/^whsec_/, ''))
      shownOnce.push({ res, secret })
    } else {
      bodies.push(res.body, JSON.stringify(res.headers))
    }
    return res
  }

  const hook = await call('POST', '/v1/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, events: ['application.created', 'application.updated', 'publication.status_changed', 'integration.failed', 'sync.failed'] })
  t.equal(hook.statusCode, 201)

  // every board: install, publish, applicants, sync, an outcome
  const publications: Array<{ board: string, id: string, integrationId: string }> = []
  for (const f of fixtures(boards).filter(f => f.fake !== null)) {
    const integrationId = await f.install(call)
    const hostJobId = `secret-${f.board}`
    await call('PUT', `/v1/jobs/${hostJobId}`, { title: `Engineer ${f.board}`, description: LONG_DESCRIPTION })
    const res = await call('POST', `/v1/jobs/${hostJobId}/publications`, { integrationId, fields: f.fields, publicationType: f.publicationType, publish: true })
    t.equal(res.statusCode, 201, `${f.board} published: ${res.body.slice(0, 200)}`)
    const posting = res.json().posting.externalId as string
    f.addResponses(posting, 3)
    publications.push({ board: f.board, id: res.json().id, integrationId })
  }
  for (let i = 0; i < 3; i++) { await app.scheduler.tick(); await app.scheduler.idle() }
  for (const pub of publications) {
    const items = (await call('GET', `/v1/applications?publicationId=${pub.id}`)).json().items as Array<{ id: string }>
    t.ok(items.length > 0, `${pub.board}: applications synced`)
    if (items[0] !== undefined) await call('POST', `/v1/applications/${items[0].id}/outcome`, { outcome: 'invited' })
  }

  // tokens expire and are refreshed; credentials are rotated; wrong ones are refused
  const robotaLogins = new Set<string>()
  for (const request of boards.robotaua.server.requests) {
    const body = request.body as { username?: unknown } | undefined
    if (typeof body?.username === 'string') robotaLogins.add(body.username)
  }
  for (const login of robotaLogins) boards.robotaua.expireTokens(login)
  boards.headhunter.expireAccessTokens()
  for (const pub of publications) {
    await call('POST', `/v1/integrations/${pub.integrationId}/check`)
    await call('GET', `/v1/publications/${pub.id}?refresh=true`)
    await call('POST', `/v1/publications/${pub.id}/sync`)
  }
  const workua = publications.find(p => p.board === 'workua')!
  await call('PATCH', `/v1/integrations/${workua.integrationId}`, { credentials: { login: 'nobody@acme.ua', password: 'wu-SECRET-rotated-wrong-77' } })
  await call('POST', '/v1/integrations', { board: 'djinni', name: 'wrong', credentials: { keyName: 'k', apiKey: 'dj-SECRET-wrong-key-3f1' } })
  for (let i = 0; i < 3; i++) { await app.scheduler.tick(); await app.scheduler.idle() }
  await app.dispatcher.drain()
  t.ok(received.length > 0, `${received.length} webhook deliveries made with the secret`)

  // and every read route of the document, on this tenant's data and on a sandbox tenant's
  const sandbox = await seedTenant(testApp, 'scan')
  for (const op of (await documentedOperations(app)).filter(op => op.method === 'GET' && op.auth === 'tenant')) {
    const query = Object.fromEntries(op.queryParams.filter(p => p.required).map(p => [p.name, String(validValue(p.schema))]))
    const res = await app.inject({ method: 'GET', url: withQuery(fillPath(op.path, pathValuesOf(op, sandbox)), query), headers: bearer(sandbox.key) })
    bodies.push(res.body, JSON.stringify(res.headers))
    if (op.pathParams.length === 0) bodies.push((await call('GET', withQuery(op.path, query))).body)
  }
  for (const part of apiKeyParts(sandbox.key)) secrets.add(part)

  for (const secret of secretsSentToBoards(boards)) secrets.add(secret)
  t.ok(secrets.size >= 15, `looking for ${secrets.size} secrets`)
  for (const { res, secret } of shownOnce) t.ok(res.body.includes(secret), 'the creating response shows its secret once')

  assertNoSecrets(t, secrets, { responses: bodies.join('\n'), logs: logs.join('\n'), database: await databaseText(db) })
  t.ok(logs.length > 100, `${logs.length} log lines at trace level scanned`)
})
