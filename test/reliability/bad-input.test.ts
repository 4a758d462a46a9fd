// Bad input, generated from the app's own OpenAPI document for every route: wrong types, missing
// and unknown fields, nulls, huge and unicode strings, bad and unknown ids, bad cursors, malformed
// JSON, wrong content types, bad keys, U+0000 in any string (named as the field it is in), JSON nested
// deeper than JSON_MAX_DEPTH (up to 100k deep). Each request carries at least one defect the route must
// refuse (checked against the route's own schemas with ajv before it is sent), so: no 5xx, every
// refusal is problem+json of the right shape, and the database is exactly as it was.
// The same requests also go over real sockets to the listening app (undici), a sample per route with
// every U+0000 and depth case among them: what inject() shows must hold on the wire too.
// Reproduce a failure with BAD_INPUT_SEED=<the printed seed>; BAD_INPUT_RUNS sets the runs per route.
import t from 'tap'
import { request as httpRequest } from 'undici'
import fc from 'fast-check'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { LightMyRequestResponse } from 'fastify'
import { nestsDeeperThan } from '../../src/http/validation.js'
import { ADMIN_KEY, bearer, build } from '../helpers/app.js'
import { databaseChecksums } from '../helpers/db-contents.js'
import { documentedOperations, fillPath, nameOf, validValue, withQuery, type JsonSchema, type Operation, type Parameter } from '../helpers/routes.js'
import { namedValueOf, pathValuesOf, seedTenant, type TenantData } from '../helpers/tenant-data.js'

const seed = Number(process.env.BAD_INPUT_SEED ?? Math.floor(Math.random() * 2 ** 31))
const runsPerRoute = Number(process.env.BAD_INPUT_RUNS ?? 250)

// the app's validation (src/http/validation.ts): bodies strict, path and query coerced from text
const ajvOf = (coerceTypes: false | 'array') => {
  const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes, useDefaults: true })
  addFormats.default(ajv)
  return ajv
}
const strict = ajvOf(false)
const coercing = ajvOf('array')
const compiled = new Map<string, ValidateFunction>()
const accepts = (ajv: Ajv, schema: JsonSchema, value: unknown): boolean => {
  const key = `${ajv === strict ? 's' : 'c'}${JSON.stringify(schema)}`
  let validate = compiled.get(key)
  if (validate === undefined) { validate = ajv.compile(schema); compiled.set(key, validate) }
  return validate(structuredClone(value))
}
const objectOf = (params: Parameter[]): JsonSchema => ({
  type: 'object', properties: Object.fromEntries(params.map(p => [p.name, p.schema])), required: params.filter(p => p.required).map(p => p.name)
})

interface BadRequest {
  defect: string
  method: Operation['method']
  pathValues: Record<string, string>
  query: Record<string, string | string[]>
  headers: Record<string, string>
  /** a JSON value to send, or raw text with its content type */
  body?: { json: unknown } | { raw: string, contentType: string }
  /** false only for requests with no defect a route could refuse (health checks, bare lists): reads only */
  mustReject: boolean
  /** the field the refusal must name (errors[] holds it) */
  names?: { in: 'body' | 'query' | 'path', pointer: string }
}

/** what a response is to the checks, from inject() or from a socket */
interface Answer { statusCode: number, headers: Record<string, string | string[] | undefined>, body: string }

// ---- values

const unicode = fc.string({ unit: 'grapheme', maxLength: 40 })
const huge = (min: number) => fc.tuple(fc.constantFrom('a', 'я', '😀', '\u0000', ' ', '%', '"'), fc.integer({ min: min + 1, max: min + 64 }))
  .map(([unit, n]) => unit.repeat(n))
const anyText = fc.oneof(
  unicode, fc.string(), fc.constantFrom('', 'null', 'undefined', 'true', '0', '-1', '1e309', 'NaN', '[]', '{}', '../../etc/passwd', "' or 1=1 --", '<script>', '\u202e', 'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ'),
  fc.integer().map(String), fc.double().map(String), huge(200), huge(2000)
)
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }), unicode, fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, '', [], {}, [null], { '': null }),
  huge(300).map(s => s), fc.array(unicode, { maxLength: 60 })
)
const notAUuid = anyText.filter(s => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s))
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** what a list would accept as a cursor: [a time, an id] */
const cursorAccepted = (cursor: string): boolean => {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    return Array.isArray(parts) && parts.length === 2 && typeof parts[0] === 'string' && typeof parts[1] === 'string' &&
      !Number.isNaN(new Date(parts[0]).getTime()) && UUID.test(parts[1])
  } catch { return false }
}
const badCursor = fc.oneof(
  anyText,
  jsonish.map(b64),
  fc.tuple(fc.oneof(anyText, fc.date({ noInvalidDate: true }).map(d => d.toISOString())), fc.oneof(anyText, fc.uuid())).map(b64),
  fc.constantFrom(b64(['not a date', '00000000-0000-4000-8000-000000000000']), b64([new Date(0).toISOString(), '-'.repeat(36)]),
    b64([new Date(0).toISOString(), 'not-an-id']), b64(['', '']), b64([1, 2]), b64('["x"'), '%%%', '====')
).filter(s => s.length <= 200 && !cursorAccepted(s))
/** a dictionary page's cursor: [a rank, a position] (src/modules/dictionaries/service.ts) */
const rankCursor = (cursor: string): boolean => {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    return Array.isArray(parts) && parts.length === 2 && parts.every(p => Number.isInteger(p))
  } catch { return false }
}
/** a change feed's cursor: [the writing transaction's id (digits), an id] (src/http/cursor.ts) */
const feedCursor = (cursor: string): boolean => {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    return Array.isArray(parts) && parts.length === 2 && typeof parts[0] === 'string' && /^\d{1,20}$/.test(parts[0]) && typeof parts[1] === 'string' && UUID.test(parts[1])
  } catch { return false }
}
const FEEDS = new Set(['/v1/applications', '/v1/candidates'])
/** the cursors `op`'s list would not accept */
const badCursorOf = (op: Operation) => op.path.includes('/dictionaries/')
  ? badCursor.filter(s => !rankCursor(s))
  : FEEDS.has(op.path) ? badCursor.filter(s => !feedCursor(s)) : badCursor

/** the first string within `value` with U+0000 put in it, and the JSON pointer below `value` where it is; null: no string in it */
function withNul (value: unknown, pointer = ''): { value: unknown, pointer: string } | null {
  if (typeof value === 'string') return { value: `${value.slice(0, 1)}\u0000${value.slice(1)}`, pointer }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = withNul(value[i], `${pointer}/${i}`)
      if (found !== null) return { value: value.map((item, j) => j === i ? found.value : item), pointer: found.pointer }
    }
    return null
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = withNul(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
      if (found !== null) return { value: { ...value, [key]: found.value }, pointer: found.pointer }
    }
  }
  return null
}

/** JSON_MAX_DEPTH is 64 (the default): arrays or objects nested 65 to 100k deep */
const tooDeep = fc.tuple(fc.constantFrom(65, 100, 1000, 100_000), fc.boolean()).map(([depth, objects]) =>
  objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`)

// ---- the defects a route can have

function defectsOf (op: Operation, own: TenantData, other: TenantData, revokedKey: string): Array<fc.Arbitrary<BadRequest>> {
  const key = op.auth === 'admin' ? ADMIN_KEY : own.key
  const basePath = () => pathValuesOf(op, own)
  const baseQuery = (): Record<string, string> => Object.fromEntries(op.queryParams.filter(p => p.required).map(p => [p.name, String(validValue(p.schema))]))
  const baseBody = () => op.body === undefined ? undefined : { json: validValue(op.body, namedValueOf(own)) }
  const base = (defect: string, change: Partial<BadRequest> = {}): BadRequest => ({
    defect, method: op.method, pathValues: basePath(), query: baseQuery(), headers: op.auth === 'none' ? {} : bearer(key), body: baseBody(), mustReject: true, ...change
  })
  const defects: Array<fc.Arbitrary<BadRequest>> = []

  if (op.auth !== 'none') {
    const wrongRole = op.auth === 'admin' ? own.key : ADMIN_KEY
    defects.push(fc.oneof(
      fc.constant(base('no key', { headers: {} })),
      fc.constantFrom(revokedKey, wrongRole, `${own.key}x`, own.key.slice(0, -1), 'jsk_', ADMIN_KEY.toUpperCase()).map(k => base('wrong key', { headers: bearer(k) })),
      anyText.filter(s => s.trim() !== '' && !/[\r\n]/.test(s)).map(s => base('garbage authorization', { headers: { authorization: /^[\x20-\x7e]*$/.test(s) ? s : encodeURIComponent(s) } })),
      fc.constantFrom(`Basic ${key}`, `Bearer`, `Bearer ${key} ${key}`, `Token ${key}`, key).map(v => base('wrong auth scheme', { headers: { authorization: v } }))
    ))
  }

  // path parameters the schema refuses, and ids that name nothing (or someone else's)
  const paramsSchema = objectOf(op.pathParams)
  for (const param of op.pathParams) {
    defects.push(fc.oneof(notAUuid, anyText).filter(value => value !== '' && !accepts(coercing, paramsSchema, { ...basePath(), [param.name]: value }))
      .map(value => base(`bad path {${param.name}}`, { pathValues: { ...basePath(), [param.name]: value } })))
    if (param.schema.enum === undefined && op.method !== 'PUT') {
      const unknown = param.schema.format === 'uuid' ? fc.uuid() : fc.stringMatching(/^[A-Za-z0-9_~-]{1,40}$/).map(s => `unknown-${s}`)
      // another tenant's id is as unknown as a random one, except to the admin
      const someoneElses = op.auth === 'tenant' ? [fc.constant(pathValuesOf(op, other)[param.name]!)] : []
      defects.push(fc.oneof(unknown, ...someoneElses).map(value => base(`unknown {${param.name}}`, { pathValues: { ...basePath(), [param.name]: value } })))
    }
  }

  // query parameters the schema refuses (coerced as the app coerces them), and bad cursors
  const querySchema = objectOf(op.queryParams)
  for (const param of op.queryParams) {
    const value = fc.oneof(anyText, fc.array(anyText, { minLength: 2, maxLength: 3 }), fc.constantFrom('0', '-1', '201', '1.5', '1e3', 'true', '', ' 1'))
    defects.push(value.filter(v => !accepts(coercing, querySchema, { ...baseQuery(), [param.name]: v }))
      .map(v => base(`bad query ${param.name}`, { query: { ...baseQuery(), [param.name]: v } })))
    if (param.name === 'after') defects.push(badCursorOf(op).map(v => base('bad cursor', { query: { ...baseQuery(), after: v } })))
  }
  const required = op.queryParams.filter(p => p.required)
  if (required.length > 0) defects.push(fc.constantFrom(...required).map(p => base(`missing query ${p.name}`, { query: Object.fromEntries(Object.entries(baseQuery()).filter(([n]) => n !== p.name)) })))

  // U+0000, refused wherever it is, naming where (no schema lets it through to Postgres)
  for (const param of op.pathParams) {
    defects.push(fc.constant(base(`nul path {${param.name}}`, { pathValues: { ...basePath(), [param.name]: `${basePath()[param.name] ?? 'x'}\u0000` }, names: { in: 'path', pointer: `/${param.name}` } })))
  }
  for (const param of op.queryParams) {
    defects.push(fc.constantFrom('\u0000', 'a\u0000', `${String(validValue(param.schema))}\u0000`)
      .map(v => base(`nul query ${param.name}`, { query: { ...baseQuery(), [param.name]: v }, names: { in: 'query', pointer: `/${param.name}` } })))
  }

  if (op.body !== undefined) {
    const schema = op.body
    const valid = baseBody()!.json as Record<string, unknown>
    const refused = (body: unknown) => !accepts(strict, schema, body)
    const withBody = (defect: string) => (json: unknown) => base(defect, { body: { json } })
    defects.push(jsonish.filter(v => typeof v !== 'object' || v === null || Array.isArray(v)).map(withBody('body not an object')))
    // a required property with a default is filled in by the validator, so leaving it out is fine
    for (const name of (schema.required ?? []).filter(n => schema.properties?.[n]?.default === undefined)) {
      defects.push(fc.constant(Object.fromEntries(Object.entries(valid).filter(([n]) => n !== name))).map(withBody(`body missing ${name}`)))
    }
    if (schema.additionalProperties === false) {
      defects.push(fc.tuple(unicode.filter(n => !(n in (schema.properties ?? {}))), jsonish)
        .map(([n, v]) => ({ ...valid, [n]: v })).filter(refused).map(withBody('body unknown field')))
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      defects.push(jsonish.map(v => ({ ...valid, [name]: v })).filter(refused).map(withBody(`body wrong ${name}`)))
      const limit = property.maxLength ?? property.anyOf?.find(s => s.maxLength !== undefined)?.maxLength
      if (limit !== undefined) defects.push(huge(limit).map(s => ({ ...valid, [name]: s })).filter(refused).map(withBody(`body huge ${name}`)))
      if (property.format === 'uuid' && op.method !== 'PUT') defects.push(fc.uuid().map(id => ({ ...valid, [name]: id })).map(withBody(`body unknown ${name}`)))
      // the valid value with U+0000 in its first string (a free-form object's too: fields, credentials)
      const nul = withNul(valid[name] ?? (property.type === 'string' ? 'x' : undefined), `/${name}`)
      if (nul !== null) defects.push(fc.constant(base(`nul body ${name}`, { body: { json: { ...valid, [name]: nul.value } }, names: { in: 'body', pointer: nul.pointer } })))
      else defects.push(fc.constant(base(`nul body ${name}`, { body: { json: { ...valid, [`${name}\u0000`]: 1 } }, names: { in: 'body', pointer: `/${name}\u0000` } })))
      // a field nested far too deep, as raw text: no JSON.stringify could even write it
      defects.push(tooDeep.map(deep => base(`deep body ${name}`, {
        body: { raw: `${JSON.stringify({ ...valid, [name]: null }).slice(0, -1)},"${name}":${deep}}`, contentType: 'application/json' },
        names: { in: 'body', pointer: '/' }
      })))
    }
    defects.push(tooDeep.map(deep => base('deep body', { body: { raw: deep, contentType: 'application/json' }, names: { in: 'body', pointer: '/' } })))
    // above BODY_LIMIT_BYTES (1 MiB)
    defects.push(fc.constant(base('body too large', { body: { json: { ...valid, [Object.keys(schema.properties ?? { x: 0 })[0]!]: 'x'.repeat(1_100_000) } } })))
    // text/plain has a parser: it arrives as a string, which no object schema takes
    defects.push(anyText.map(raw => base('body as text/plain', { body: { raw, contentType: 'text/plain' } })))
  }
  if (op.method !== 'GET') {
    const json = JSON.stringify(baseBody()?.json ?? {})
    const malformed = fc.oneof(
      fc.integer({ min: 1, max: Math.max(1, json.length - 1) }).map(n => json.slice(0, n)),
      fc.constantFrom('{', '{"a":}', "{'a':1}", '{"a":1,}', '[1,2', 'NaN', 'undefined', '{"a":1}{"b":2}', '\u0000', '{"__proto__":'),
      anyText
    ).filter(raw => { try { JSON.parse(raw); return false } catch { return true } })
    defects.push(malformed.map(raw => base(raw === '' ? 'empty JSON body' : 'malformed JSON', { body: { raw, contentType: 'application/json' } })))
    defects.push(fc.tuple(fc.constantFrom('application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/html', 'image/png', 'application/json-patch+jsonx'), jsonish)
      .map(([contentType, v]) => base('wrong content type', { body: { raw: JSON.stringify(v) ?? 'x', contentType } })))
  }
  if (defects.length === 0) {
    // nothing to refuse (a health check): noise only, on a read
    if (op.method !== 'GET') throw new Error(`${nameOf(op)} has no defect to send`)
    defects.push(fc.constant(base('noise only', { mustReject: false })))
  }
  return defects
}

/** things a route must ignore, added to any request */
const noise = fc.record({
  query: fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter(n => !['limit', 'after', 'board', 'status', 'refresh', 'hostJobId', 'integrationId', 'publicationId', 'redirectUri'].includes(n)), unicode, { maxKeys: 2 }),
  requestId: fc.option(anyText.filter(s => /^[\x20-\x7e]*$/.test(s)), { nil: undefined })
}, { requiredKeys: [] })

// ---- the run

interface Extra { query?: Record<string, string>, requestId?: string }

t.test(`every route refuses bad input cleanly (seed ${seed}, ${runsPerRoute} runs per route)`, async t => {
  t.comment(`fast-check seed ${seed}: rerun with BAD_INPUT_SEED=${seed}`)
  const testApp = await build(t, { env: { LOG_LEVEL: 'warn' } })
  const { app, db, logs } = testApp
  const operations = await documentedOperations(app)
  const own = await seedTenant(testApp, 'own')
  const other = await seedTenant(testApp, 'other')
  const spare = await testApp.tenant()
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/api-keys/${spare.keyId}`, headers: bearer(ADMIN_KEY) })).statusCode, 200)
  // anything the seeding started has finished: the database holds still from here
  await app.scheduler.idle()
  await app.dispatcher.drain()
  const before = await databaseChecksums(db)

  const sent = new Map<string, number>()
  const statuses = new Map<number, number>()
  const defectsSeen = new Map<string, number>()
  let total = 0

  const prepare = (op: Operation, req: BadRequest, extra: Extra) => {
    const url = withQuery(fillPath(op.path, req.pathValues), { ...extra.query, ...req.query })
    const headers: Record<string, string> = { ...req.headers }
    if (extra.requestId !== undefined) headers['x-request-id'] = extra.requestId
    let payload: string | undefined
    if (req.body !== undefined && req.method !== 'GET') {
      if ('json' in req.body) { payload = JSON.stringify(req.body.json); headers['content-type'] = 'application/json' } else { payload = req.body.raw; headers['content-type'] = req.body.contentType }
    }
    return { url, headers, payload }
  }
  const send = async (op: Operation, req: BadRequest, extra: Extra): Promise<Answer> => {
    const { url, headers, payload } = prepare(op, req, extra)
    const res: LightMyRequestResponse = await app.inject({ method: req.method, url, headers, ...(payload === undefined ? {} : { payload }) })
    return { statusCode: res.statusCode, headers: res.headers as Answer['headers'], body: res.body }
  }
  const check = (op: Operation, req: BadRequest, res: Answer): void => {
    const where = `${req.method} ${op.path} [${req.defect}] → ${res.statusCode}`
    if (res.statusCode >= 500) throw new Error(`${where}: ${res.body.slice(0, 500)}\nlogs: ${logs.slice(-3).join('').slice(0, 1500)}`)
    if (req.mustReject && res.statusCode < 400) throw new Error(`${where}: accepted a request it must refuse: ${res.body.slice(0, 300)}`)
    if (res.statusCode < 400) return
    const type = String(res.headers['content-type'])
    if (!type.startsWith('application/problem+json')) throw new Error(`${where}: content-type ${type}`)
    const problem = JSON.parse(res.body) as Record<string, unknown>
    const shape = problem.status === res.statusCode && typeof problem.type === 'string' && typeof problem.code === 'string' &&
      typeof problem.title === 'string' && problem.title !== '' && typeof problem.detail === 'string' && problem.detail !== '' &&
      problem.instance === res.headers['x-request-id']
    if (!shape) throw new Error(`${where}: not a problem document: ${res.body.slice(0, 500)}`)
    if (problem.code === 'JOBSYNC_ERR_VALIDATION' || res.statusCode === 400) {
      const errors = problem.errors as Array<Record<string, unknown>> | undefined
      const ok = Array.isArray(errors) && errors.length > 0 && errors.every(e => ['body', 'query', 'path', 'header'].includes(String(e.in)) &&
        typeof e.pointer === 'string' && e.pointer.startsWith('/') && typeof e.detail === 'string')
      if (!ok) throw new Error(`${where}: a validation problem without errors[]: ${res.body.slice(0, 500)}`)
    }
    if (req.names !== undefined) {
      const { in: part, pointer } = req.names
      const named = res.statusCode === 400 && (problem.errors as Array<Record<string, unknown>>).some(e => e.in === part && e.pointer === pointer)
      if (!named) throw new Error(`${where}: the refusal does not name ${part} ${pointer}: ${res.body.slice(0, 500)}`)
    }
  }

  for (const op of operations) {
    const defects = defectsOf(op, own, other, spare.key)
    const property = fc.asyncProperty(fc.oneof(...defects), noise, async (req, extra) => {
      const res = await send(op, req, extra)
      total++
      sent.set(nameOf(op), (sent.get(nameOf(op)) ?? 0) + 1)
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      const kind = req.defect.replace(/ \{?\w+\}?$/, '')
      defectsSeen.set(kind, (defectsSeen.get(kind) ?? 0) + 1)
      check(op, req, res)
    })
    const details = await fc.check(property, { seed, numRuns: runsPerRoute })
    if (details.failed) {
      const example = JSON.stringify(details.counterexample, (_, v: unknown) => typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v)
      t.fail(`${String((details.errorInstance as Error | undefined)?.message).slice(0, 1500)}\n  counterexample: ${example.slice(0, 800)}\n  seed ${seed}, path "${details.counterexamplePath ?? ''}"`)
    }
  }

  // the same over real sockets: one request of each defect of each route (U+0000 and depth among
  // them), as a client on the network sends it. A body over the limit is the transport suite's
  // (test/reliability/transport.test.ts): the server may hang up before the client has written it.
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  let overSockets = 0
  for (const op of operations) {
    for (const defect of defectsOf(op, own, other, spare.key)) {
      for (const [req, extra] of fc.sample(fc.tuple(defect, noise), { seed: seed + overSockets, numRuns: 1 })) {
        if (req.defect === 'body too large') continue
        const { url, headers, payload } = prepare(op, req, extra)
        try {
          const res = await httpRequest(`${address}${url}`, { method: req.method, headers, ...(payload === undefined ? {} : { body: payload }) })
          check(op, req, { statusCode: res.statusCode, headers: res.headers, body: await res.body.text() })
        } catch (error) {
          t.fail(`over a socket: ${(error as Error).message.slice(0, 1500)}\n  request: ${JSON.stringify({ url: url.slice(0, 300), defect: req.defect })}`)
        }
        overSockets++
        const kind = req.defect.replace(/ \{?\w+\}?$/, '')
        defectsSeen.set(`${kind} (socket)`, (defectsSeen.get(`${kind} (socket)`) ?? 0) + 1)
      }
    }
  }
  t.ok(overSockets >= operations.length, `${overSockets} requests over sockets`)

  const missing = operations.filter(o => (sent.get(nameOf(o)) ?? 0) === 0).map(nameOf)
  t.same(missing, [], 'every route of the document got requests')
  t.ok(total >= 10_000 || runsPerRoute < 250, `${total} requests to ${sent.size} routes`)
  t.comment(`${total} requests to ${sent.size} of ${operations.length} routes; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
  t.comment(`defects: ${[...defectsSeen].sort().map(([kind, n]) => `${kind} ${n}`).join(', ')}`)
  t.notOk(statuses.has(500), 'no 500')

  // (no dispatcher drain here: it would retry the seeded deliveries, whose backoff has passed by now)
  await app.scheduler.idle()
  // the boards' catalogues are a copy of the board's data that a read fills, refused or not (a
  // parentId is known to be unknown only once the catalogue is there): not the tenants' data
  const withoutCatalogues = (checksums: Record<string, string>) => Object.fromEntries(Object.entries(checksums).filter(([table]) => !table.startsWith('dictionary_')))
  const after = await databaseChecksums(db)
  t.same(withoutCatalogues(after), withoutCatalogues(before), 'the database is unchanged by the refused requests')
  for (const table of Object.keys(after)) if (after[table] !== before[table]) t.comment(`${table}: ${before[table] ?? 'none'} → ${after[table]}`)
})

t.test('depth is counted in brackets outside strings, without parsing', async t => {
  t.notOk(nestsDeeperThan(`{"a":"${'['.repeat(1000)}","b":"\\"${'{'.repeat(1000)}"}`, 2), 'brackets in strings, escaped quotes included, do not count')
  t.notOk(nestsDeeperThan('[[[]]]', 3), '3 deep is 3')
  t.ok(nestsDeeperThan('[[[[]]]]', 3), '4 deep is deeper than 3')
  t.ok(nestsDeeperThan(`${'{"a":'.repeat(100_000)}1`, 64), 'an unterminated 100k-deep body is refused before the parser sees it')
  t.notOk(nestsDeeperThan(`[${'[1],'.repeat(100_000)}[1]]`, 2), 'wide is not deep')
})
