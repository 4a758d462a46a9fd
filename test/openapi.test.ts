import t from 'tap'
import { readFile } from 'node:fs/promises'
import { generateOpenApi } from '../src/openapi-document.js'
import { build } from './helpers/app.js'
import { checkResponse, committedDocument, documentValidator } from './helpers/openapi-check.js'
import { clientTypesFile, generateClientTypes } from '../scripts/openapi-types.js'

t.test('the committed openapi/openapi.json is up to date', async t => {
  const committed = await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
  const generated = await generateOpenApi()
  t.ok(committed === generated, 'openapi/openapi.json differs from the routes: run `npm run openapi` and commit it')
})

t.test('the document is OpenAPI 3.1 with shared problem schema', async t => {
  const { app } = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.components.schemas.Problem, 'Problem is a component')
  t.ok(doc.paths['/v1/admin/tenants'].post, 'admin routes are documented')
  const problem = doc.paths['/v1/admin/tenants'].post.responses['400'].content['application/problem+json']
  t.ok(problem, 'errors are documented as problem+json')
})

t.test('/docs renders the interactive docs', async t => {
  const { app } = await build(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /swagger-ui/i)
})

t.test('the committed client types are made from the committed document', async t => {
  const committed = await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
  const types = await readFile(clientTypesFile, 'utf8')
  t.ok(types === await generateClientTypes(committed), 'openapi/jobsync-api.d.ts differs from the document: run `npm run openapi` and commit it')
})

// the rules every operation keeps, new routes included
t.test('every operation has a unique camelCase operationId, a summary, a description, a defined tag and described responses', async t => {
  const doc = committedDocument
  const tagNames = new Set((doc.tags as Array<{ name: string, description?: string }>).map(tag => { t.ok(tag.description, `tag ${tag.name} is described`); return tag.name }))
  const ids = new Set<string>()
  t.ok(Array.isArray(doc.servers) && doc.servers.length > 0, 'servers')
  for (const [where, operation] of operations(doc)) {
    t.match(operation.operationId, /^[a-z][A-Za-z0-9]*$/, `${where}: camelCase operationId`)
    t.notOk(ids.has(operation.operationId), `${where}: operationId ${operation.operationId as string} is unique`)
    ids.add(operation.operationId)
    t.ok(operation.summary, `${where}: summary`)
    t.ok(operation.description, `${where}: description`)
    for (const tag of operation.tags ?? []) t.ok(tagNames.has(tag), `${where}: tag ${tag as string} is a top-level tag`)
    for (const parameter of operation.parameters ?? []) {
      if (parameter.schema?.default !== undefined) t.notOk(parameter.required, `${where}: ${parameter.name as string} has a default, so it is not required`)
    }
    for (const [status, response] of Object.entries<any>(operation.responses)) {
      t.ok(response.description, `${where} ${status}: description`)
      t.ok(response.headers?.['x-request-id'], `${where} ${status}: x-request-id documented`)
    }
  }
  for (const [name, item] of Object.entries<any>(doc.webhooks)) t.same(item.post.security, [], `webhook ${name} has no bearer security`)
})

t.test('every request body, 2xx and problem response has an example that its schema accepts', async t => {
  const doc = committedDocument
  const validator = documentValidator(doc)
  let examples = 0
  for (const [where, operation, pointer] of operations(doc)) {
    const media: Array<[string, string, any]> = []
    for (const [type, m] of Object.entries<any>(operation.requestBody?.content ?? {})) media.push([`${where} body ${type}`, `${pointer}/requestBody/content/${esc(type)}`, m])
    for (const [status, response] of Object.entries<any>(operation.responses)) {
      for (const [type, m] of Object.entries<any>(response.content ?? {})) {
        if (type.endsWith('json') && (status.startsWith('2') || type === 'application/problem+json')) media.push([`${where} ${status} ${type}`, `${pointer}/responses/${status}/content/${esc(type)}`, m])
      }
    }
    for (const [what, at, m] of media) {
      t.ok(m.example !== undefined, `${what}: has an example`)
      if (m.example === undefined) continue
      examples++
      const error = validator.validate(`${at}/schema`, m.example)
      t.equal(error, undefined, `${what}: the example matches its schema`)
    }
  }
  t.ok(examples > 100, `${examples} examples checked`)
})

t.test('the response check refuses what the document does not say', async t => {
  const { app, tenant } = await build(t)
  const { key } = await tenant()
  const res = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${key}` } })
  t.equal(checkResponse('GET', '/v1/me', res), undefined, 'the real answer passes')
  const altered = (change: Partial<{ statusCode: number, body: string, headers: Record<string, string> }>) =>
    ({ ...res, statusCode: change.statusCode ?? res.statusCode, body: change.body ?? res.body, rawPayload: Buffer.from(change.body ?? res.body), headers: change.headers ?? res.headers }) as typeof res
  t.match(checkResponse('GET', '/v1/me', altered({ statusCode: 418 })), /a status the document does not list/)
  t.match(checkResponse('GET', '/v1/me', altered({ headers: { ...res.headers, 'content-type': 'text/html' } as Record<string, string> })), /text\/html, which the document does not list/)
  t.match(checkResponse('GET', '/v1/me', altered({ body: JSON.stringify({ tenant: { id: 'not a uuid' } }) })), /does not match the document/)
  const { 'x-request-id': _dropped, ...withoutId } = res.headers
  t.match(checkResponse('GET', '/v1/me', altered({ headers: withoutId as Record<string, string> })), /without its documented header x-request-id/)
})

t.test('/docs introduces jobsync: its name, the getting-started path and webhook verification', async t => {
  const { app } = await build(t)
  const doc = (await app.inject('/openapi.json')).json()
  t.equal(doc.info.title, 'jobsync')
  for (const step of ['Admin key', 'Tenant', 'Tenant key', 'Sandbox', 'Publish', 'Feed', 'HMAC-SHA256']) t.match(doc.info.description, step)
  const page = await app.inject('/docs/')
  t.match(page.body, /<title>jobsync API<\/title>/, 'the page title names jobsync')
  const initializer = await app.inject('/docs/static/swagger-initializer.js')
  const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer.body)?.[1]
  t.match(Buffer.from(logo ?? '', 'base64').toString('utf8'), />jobsync<\/text>/, 'the top bar shows jobsync, not the framework')
})

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')
function * operations (doc: Record<string, any>): Generator<[string, Record<string, any>, string]> {
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
      if (item[method] !== undefined) yield [`${method.toUpperCase()} ${path}`, item[method], `/paths/${esc(path)}/${method}`]
    }
  }
}
