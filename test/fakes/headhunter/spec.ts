// Checks requests (and, on demand, responses) against HeadHunter's own published OpenAPI 3.0.3
// spec (vendor/headhunter/openapi.yaml), so the HeadHunter fake refuses anything the real
// API would not document. The yaml is parsed once per process; each operation's validators are
// compiled on first use and cached.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import AjvModule from 'ajv'
import type { ValidateFunction, ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext a default import is
// `module.exports`, so the class / plugin is its `.default`.
const Ajv = AjvModule.default
const addFormats = addFormatsModule.default
type AjvInstance = InstanceType<typeof Ajv>

/** hh's spec, vendored in the repository (see vendor/headhunter/SOURCE.md) */
export const HEADHUNTER_SPEC_PATH = fileURLToPath(new URL('../../../vendor/headhunter/openapi.yaml', import.meta.url))

export interface SpecRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  /** parsed JSON, form fields as an object (string | string[]), raw string, or undefined */
  body: unknown
  contentType?: string | undefined
}

export interface SpecResponse {
  method: string
  path: string
  status: number
  body: unknown
  contentType?: string | undefined
}

type Json = any // the spec is untyped yaml

interface Parameter { name: string, in: 'query' | 'path' | 'header' | 'cookie', required?: boolean, schema?: Json }

interface Operation {
  key: string // `METHOD template`
  template: string
  method: string
  op: Json
  params: Parameter[]
}

interface PathMatcher {
  template: string
  regex: RegExp
  names: string[]
  literalSegments: number
  /** synthetic entries documented only in prose (see ALIASES) win ties */
  alias: boolean
  /** method → the spec operation (path template, method) it stands for */
  methods: Map<string, { template: string, method: string }>
}

interface CompiledOperation {
  query?: ValidateFunction
  queryNames: Set<string>
  requiredQuery: string[]
  path?: ValidateFunction
  requiredHeaders: string[]
  body?: { required: boolean, byType: Map<string, ValidateFunction> }
}

const SCHEMA_ID = 'hh-openapi.json'
/**
 * Query parameters the spec's own example URLs carry that the operation does not declare: a
 * response's `resume.url` is `/resumes/{id}?topic_id={nid}` (NegotiationsEmployerNegotiationItem).
 */
const EXAMPLE_QUERY: Record<string, string[]> = { 'GET /resumes/{resume_id}': ['topic_id'] }
// keywords that carry no validation (or are OpenAPI-only) and are dropped when converting
const DROPPED = new Set(['example', 'examples', 'description', 'title', 'deprecated', 'default', 'xml', 'externalDocs', 'readOnly', 'writeOnly', 'discriminator'])
// formats the spec uses that JSON Schema / ajv-formats do not define
const LENIENT_FORMATS = ['double', 'float', 'int32', 'int64', 'binary', 'byte', 'phone', 'password']
// hh writes dates as ISO 8601 `YYYY-MM-DDThh:mm:ss±hhmm` (no colon in the offset), not RFC 3339
const HH_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Routes the spec documents only in prose:
 * - `GET /negotiations/response` stands for `/negotiations/{collection_name}` ("Вместо `response`
 *   необходимо указывать ... название коллекции"); numeric ids stay `GET /negotiations/{id}`.
 * - `POST https://api.hh.ru/token` is the current token endpoint; the spec lists only the older
 *   `POST https://hh.ru/oauth/token`.
 */
const ALIASES: Array<{ template: string, method: string, target: { template: string, method: string }, constraint?: Record<string, RegExp> }> = [
  { template: '/negotiations/{collection_name}', method: 'get', target: { template: '/negotiations/response', method: 'get' }, constraint: { collection_name: /^(?!\d+$)[a-z_]+$/ } },
  { template: '/token', method: 'post', target: { template: '/oauth/token', method: 'post' } }
]

/**
 * Operations the spec calls outdated in its prose rather than with `deprecated: true`:
 * `POST https://hh.ru/oauth/token` ("старый запрос ... считается устаревшим", in favour of
 * `POST https://api.hh.ru/token`). Checked by path as sent, since `/token` stands for the same operation.
 */
const DEPRECATED_IN_PROSE: Array<{ method: string, path: RegExp, instead: string }> = [
  { method: 'POST', path: /^\/oauth\/token\/?$/, instead: 'POST /token on the API host' }
]

interface LoadedSpec {
  doc: Json
  matchers: PathMatcher[]
  strict: AjvInstance // JSON bodies and responses: no coercion
  coercing: AjvInstance // query/path params and form bodies: strings coerced to the declared types
  operations: Map<string, Operation>
  compiled: Map<string, CompiledOperation>
  responses: Map<string, ValidateFunction | null>
  loadMs: number
}

let loaded: LoadedSpec | undefined

/**
 * Parse the yaml and prepare the ajv instances (about a second); later calls are free.
 * `path` overrides where the spec is read from, on the first call only.
 */
export function loadHeadHunterSpec (path?: string): { loadMs: number, paths: number } {
  const spec = getSpec(path)
  return { loadMs: spec.loadMs, paths: Object.keys(spec.doc.paths).length }
}

function getSpec (path = HEADHUNTER_SPEC_PATH): LoadedSpec {
  if (loaded !== undefined) return loaded
  const started = performance.now()
  const doc = parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 })
  const definitions: Record<string, Json> = {}
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) definitions[name] = toJsonSchema(schema)
  const makeAjv = (coerce: boolean): AjvInstance => {
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateSchema: false,
      coerceTypes: coerce ? 'array' : false,
      useDefaults: false,
      discriminator: false,
      inlineRefs: true
    })
    addFormats(ajv)
    for (const f of LENIENT_FORMATS) ajv.addFormat(f, true)
    ajv.addFormat('date-time', HH_DATE_TIME)
    ajv.addFormat('dateTime', HH_DATE_TIME)
    ajv.addSchema({ $id: SCHEMA_ID, definitions })
    return ajv
  }
  const operations = new Map<string, Operation>()
  const byTemplate = new Map<string, PathMatcher>()
  const matcherFor = (template: string, alias: boolean, constraint?: Record<string, RegExp>): PathMatcher => {
    let m = byTemplate.get(template)
    if (m === undefined) {
      const names: string[] = []
      let literalSegments = 0
      const pattern = template.split('/').map(segment => {
        const param = /^\{([^}]+)\}$/.exec(segment)
        if (param !== null) {
          names.push(param[1]!)
          const c = constraint?.[param[1]!]
          return c !== undefined ? `(${c.source.replace(/^\^|\$$/g, '')})` : '([^/]+)'
        }
        if (segment !== '') literalSegments++
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      }).join('/')
      m = { template, regex: new RegExp(`^${pattern}/?$`), names, literalSegments, alias, methods: new Map() }
      byTemplate.set(template, m)
    }
    return m
  }
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue
      const params = new Map<string, Parameter>()
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const resolved: Parameter = p.$ref !== undefined ? resolveRef(doc, p.$ref) : p
        params.set(`${resolved.in}:${resolved.name}`, resolved)
      }
      operations.set(`${method.toUpperCase()} ${template}`, { key: `${method.toUpperCase()} ${template}`, template, method, op, params: [...params.values()] })
      matcherFor(template, false).methods.set(method, { template, method })
    }
  }
  for (const a of ALIASES) matcherFor(a.template, true, a.constraint).methods.set(a.method, a.target)
  const matchers = [...byTemplate.values()].sort((a, b) =>
    b.literalSegments - a.literalSegments || a.names.length - b.names.length || Number(b.alias) - Number(a.alias))
  loaded = {
    doc,
    matchers,
    strict: makeAjv(false),
    coercing: makeAjv(true),
    operations,
    compiled: new Map(),
    responses: new Map(),
    loadMs: 0
  }
  loaded.loadMs = performance.now() - started
  return loaded
}

function resolveRef (doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`)
  return ref.slice(2).split('/').reduce((node: Json, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
}

/**
 * OpenAPI 3.0 schema → JSON Schema (draft-07) for ajv:
 * `nullable: true` → `anyOf [null, schema]`; `$ref` to components → the shared definitions
 * document (siblings of `$ref` kept through `allOf`); `discriminator` with `oneOf` and a mapping
 * → dispatch on the property value (if/then), so overlapping branches do not break `oneOf`;
 * docs-only keywords and `x-*` extensions dropped.
 */
function toJsonSchema (node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (node === null || typeof node !== 'object') return node
  const out: Json = {}
  let nullable = false
  for (const [key, value] of Object.entries<Json>(node)) {
    if (key === 'nullable') { nullable = value === true; continue }
    if (DROPPED.has(key) || key.startsWith('x-')) continue
    if (key === '$ref') { out.$ref = convertRef(value); continue }
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries<Json>(value).map(([k, v]) => [k, toJsonSchema(v)]))
      continue
    }
    if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key)) { out[key] = toJsonSchema(value); continue }
    out[key] = value // type, enum, required, format, pattern, min*/max*, ...
  }
  const d = node.discriminator
  if (d?.mapping !== undefined && Array.isArray(node.oneOf)) {
    const p: string = d.propertyName
    const keys = Object.keys(d.mapping)
    const branches = out.oneOf
    delete out.oneOf
    out.allOf = [
      ...(out.allOf ?? []),
      ...keys.map(k => ({ if: { properties: { [p]: { const: k } }, required: [p] }, then: { $ref: convertRef(d.mapping[k]) } })),
      { if: { not: { properties: { [p]: { enum: keys } }, required: [p] } }, then: { oneOf: branches } }
    ]
  }
  let schema = out
  if (schema.$ref !== undefined && Object.keys(schema).length > 1) {
    const { $ref, ...rest } = schema
    schema = { ...rest, allOf: [{ $ref }, ...(rest.allOf ?? [])] }
  }
  return nullable ? { anyOf: [{ type: 'null' }, schema] } : schema
}

function convertRef (ref: string): string {
  const m = /^#\/components\/schemas\/(.+)$/.exec(ref)
  if (m === null) throw new Error(`unsupported $ref in schema: ${ref}`)
  return `${SCHEMA_ID}#/definitions/${m[1]}`
}

/** The spec operation a request goes to, or why there is none. */
export function findOperation (method: string, path: string): { operation: Operation, pathParams: Record<string, string> } | { error: string } {
  const spec = getSpec()
  const m = method.toLowerCase()
  let pathKnown = false
  for (const matcher of spec.matchers) {
    const found = matcher.regex.exec(path)
    if (found === null) continue
    pathKnown = true
    const target = matcher.methods.get(m)
    if (target === undefined) continue
    const operation = spec.operations.get(`${target.method.toUpperCase()} ${target.template}`)!
    const pathParams: Record<string, string> = {}
    matcher.names.forEach((name, i) => { pathParams[name] = decodeURIComponent(found[i + 1]!) })
    return { operation, pathParams }
  }
  return { error: pathKnown ? `method ${method.toUpperCase()} not allowed on ${path}` : `unknown path ${method.toUpperCase()} ${path}` }
}

function compileOperation (spec: LoadedSpec, operation: Operation): CompiledOperation {
  const cached = spec.compiled.get(operation.key)
  if (cached !== undefined) return cached
  const objectSchema = (params: Parameter[], additional: boolean): Json => ({
    type: 'object',
    properties: Object.fromEntries(params.map(p => [p.name, toJsonSchema(p.schema ?? {})])),
    required: params.filter(p => p.required === true).map(p => p.name),
    additionalProperties: additional
  })
  const query = operation.params.filter(p => p.in === 'query')
  // spec prose (Пагинация): any request that returns a list takes `page=N&per_page=M`, declared or not
  if (operation.method === 'get' && listsPages(spec.doc, operation.op.responses?.['200']?.content?.['application/json']?.schema)) {
    for (const name of ['page', 'per_page']) {
      if (!query.some(p => p.name === name)) query.push({ name, in: 'query', schema: { type: 'integer', minimum: name === 'page' ? 0 : 1 } })
    }
  }
  for (const name of EXAMPLE_QUERY[operation.key] ?? []) {
    if (!query.some(p => p.name === name)) query.push({ name, in: 'query', schema: { type: 'string' } })
  }
  const path = operation.params.filter(p => p.in === 'path')
  const compiled: CompiledOperation = {
    queryNames: new Set(query.map(p => p.name)),
    requiredQuery: query.filter(p => p.required === true).map(p => p.name),
    requiredHeaders: operation.params.filter(p => p.in === 'header' && p.required === true).map(p => p.name.toLowerCase())
  }
  if (query.length > 0) compiled.query = spec.coercing.compile(objectSchema(query, true))
  if (path.length > 0) compiled.path = spec.coercing.compile(objectSchema(path, true))
  const rb = operation.op.requestBody?.$ref !== undefined ? resolveRef(spec.doc, operation.op.requestBody.$ref) : operation.op.requestBody
  if (rb !== undefined) {
    const byType = new Map<string, ValidateFunction>()
    for (const [type, media] of Object.entries<Json>(rb.content ?? {})) {
      const schema = toJsonSchema(media.schema ?? {})
      // form fields arrive as strings: coerce them to the declared types before validating
      const ajv = type === 'application/json' ? spec.strict : spec.coercing
      byType.set(type, ajv.compile(schema))
    }
    compiled.body = { required: rb.required === true, byType }
  }
  spec.compiled.set(operation.key, compiled)
  return compiled
}

/** whether a response schema is hh's paged list (`found`, `page`, `pages`, `per_page`) */
function listsPages (doc: Json, schema: Json, depth = 0): boolean {
  if (schema === undefined || schema === null || depth > 6) return false
  if (schema.$ref !== undefined) return listsPages(doc, resolveRef(doc, schema.$ref), depth + 1)
  if (schema.properties?.per_page !== undefined) return true
  return [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some((s: Json) => listsPages(doc, s, depth + 1))
}

function formatErrors (where: string, errors: ErrorObject[] | null | undefined): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const e of errors ?? []) {
    // the `type: null` branch of a converted `nullable` is noise when the value is not null
    if (e.keyword === 'type' && (e.params as { type?: string }).type === 'null') continue
    if (e.keyword === 'if') continue
    let text = `${where}${e.instancePath === '' ? '' : e.instancePath} ${e.message ?? e.keyword}`
    if (e.keyword === 'enum') text += ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
    if (e.keyword === 'additionalProperties') text += ` (${(e.params as { additionalProperty: string }).additionalProperty})`
    if (!seen.has(text)) { seen.add(text); out.push(text) }
  }
  return out.slice(0, 8)
}

function header (headers: SpecRequest['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** an example of the spec's `components.examples`, as the spec gives it (the fake answers from them) */
export function specExample (name: string): Json {
  const example = getSpec().doc.components?.examples?.[name]
  if (example === undefined) throw new Error(`hh's spec has no example ${name}`)
  return structuredClone(example.value)
}

/** the spec schema, resolved through `$ref`s */
function resolved (doc: Json, node: Json): Json {
  let n = node
  for (let i = 0; i < 20 && n?.$ref !== undefined; i++) n = resolveRef(doc, n.$ref)
  return n
}

/** the properties a schema (with its allOf / oneOf / anyOf branches) declares, by name */
function declaredProperties (doc: Json, node: Json, depth = 0): Map<string, Json[]> {
  const out = new Map<string, Json[]>()
  const n = resolved(doc, node)
  if (n === null || typeof n !== 'object' || depth > 10) return out
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    for (const branch of n[key] ?? []) {
      for (const [name, schemas] of declaredProperties(doc, branch, depth + 1)) out.set(name, [...(out.get(name) ?? []), ...schemas])
    }
  }
  for (const [name, schema] of Object.entries<Json>(n.properties ?? {})) out.set(name, [...(out.get(name) ?? []), schema])
  return out
}

/** body fields the spec marks `deprecated: true` that the request uses, as JSON pointers */
function deprecatedFieldsIn (doc: Json, schema: Json, value: unknown, pointer = '', depth = 0): string[] {
  if (value === null || typeof value !== 'object' || depth > 8) return []
  const found: string[] = []
  if (Array.isArray(value)) {
    const items = resolved(doc, schema)?.items
    if (items !== undefined) value.forEach((v, i) => found.push(...deprecatedFieldsIn(doc, items, v, `${pointer}/${i}`, depth + 1)))
    return found
  }
  const props = declaredProperties(doc, schema)
  for (const [name, v] of Object.entries(value)) {
    const schemas = props.get(name) ?? []
    if (schemas.length > 0 && schemas.every(s => s.deprecated === true || resolved(doc, s)?.deprecated === true)) found.push(`${pointer}/${name}`)
    else for (const s of schemas) found.push(...deprecatedFieldsIn(doc, s, v, `${pointer}/${name}`, depth + 1))
  }
  return [...new Set(found)]
}

/**
 * What the request uses that hh's spec deprecates: the operation itself (`deprecated: true`, or
 * outdated in the spec's prose), query parameters and body fields marked `deprecated: true`.
 * Empty when it uses none, or the request breaks the spec otherwise (checkRequestAgainstSpec says how).
 */
export function deprecatedInRequest (req: SpecRequest): string[] {
  const spec = getSpec()
  const found = findOperation(req.method, req.path)
  if ('error' in found) return []
  const { operation } = found
  const where = `${req.method.toUpperCase()} ${req.path}`
  const out: string[] = []
  if (operation.op.deprecated === true) out.push(`${where}: the operation ${operation.op.operationId ?? operation.key} is deprecated`)
  for (const d of DEPRECATED_IN_PROSE) {
    if (d.method === req.method.toUpperCase() && d.path.test(req.path)) out.push(`${where}: outdated in hh's spec; use ${d.instead}`)
  }
  for (const p of operation.params) {
    if (p.in === 'query' && req.query.has(p.name) && (p as Json).deprecated === true) out.push(`${where}: query parameter "${p.name}" is deprecated`)
  }
  const rb = operation.op.requestBody?.$ref !== undefined ? resolveRef(spec.doc, operation.op.requestBody.$ref) : operation.op.requestBody
  const contentType = (req.contentType ?? header(req.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const schema = rb?.content?.[contentType]?.schema
  if (schema !== undefined) {
    for (const pointer of deprecatedFieldsIn(spec.doc, schema, req.body)) out.push(`${where}: body field ${pointer} is deprecated`)
  }
  return out
}

/** Every way a request departs from hh's spec; empty when the spec allows it. */
export function checkRequestAgainstSpec (req: SpecRequest): string[] {
  const spec = getSpec()
  const found = findOperation(req.method, req.path)
  if ('error' in found) return [found.error]
  const { operation, pathParams } = found
  const compiled = compileOperation(spec, operation)
  const where = `${req.method.toUpperCase()} ${req.path}`
  const violations: string[] = []

  if (compiled.path !== undefined && !compiled.path({ ...pathParams })) {
    violations.push(...formatErrors(`${where}: path `, compiled.path.errors))
  }

  const query: Record<string, string | string[]> = {}
  for (const key of new Set(req.query.keys())) {
    const values = req.query.getAll(key)
    query[key] = values.length === 1 ? values[0]! : values
    if (!compiled.queryNames.has(key)) violations.push(`${where}: unknown query parameter "${key}" (${operation.key} declares ${[...compiled.queryNames].join(', ') || 'none'})`)
  }
  for (const name of compiled.requiredQuery) {
    if (!(name in query)) violations.push(`${where}: missing required query parameter "${name}"`)
  }
  if (compiled.query !== undefined && !compiled.query(query)) {
    violations.push(...formatErrors(`${where}: query `, compiled.query.errors).filter(v => !v.includes('must have required property')))
  }

  for (const name of compiled.requiredHeaders) {
    // the spec marks HH-User-Agent required, and its prose makes User-Agent an equal substitute
    if (name === 'hh-user-agent' && (header(req.headers, 'hh-user-agent') ?? header(req.headers, 'user-agent')) !== undefined) continue
    if (header(req.headers, name) === undefined) violations.push(`${where}: missing required header ${name}`)
  }

  const hasBody = req.body !== undefined && req.body !== ''
  const contentType = (req.contentType ?? header(req.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (compiled.body !== undefined) {
    if (!hasBody) {
      if (compiled.body.required) violations.push(`${where}: request body required (${[...compiled.body.byType.keys()].join(' or ')})`)
    } else {
      const validate = compiled.body.byType.get(contentType)
      if (validate === undefined) {
        violations.push(`${where}: content type "${contentType}" not accepted (${[...compiled.body.byType.keys()].join(', ')})`)
      } else if (typeof req.body === 'symbol') {
        violations.push(`${where}: body is not valid JSON`)
      } else {
        const data = contentType === 'application/json' ? req.body : structuredClone(req.body)
        if (!validate(data)) violations.push(...formatErrors(`${where}: body`, validate.errors))
      }
    }
  }
  return violations
}

/**
 * Every way a response departs from the spec (status documented, body schema for its content
 * type). Used to keep the fake honest; the fake's own `spec_violation` 400s are not checked.
 */
export function checkResponseAgainstSpec (res: SpecResponse): string[] {
  const spec = getSpec()
  const found = findOperation(res.method, res.path)
  if ('error' in found) return [found.error]
  const { operation } = found
  const where = `${res.method.toUpperCase()} ${res.path} → ${res.status}`
  const responses = operation.op.responses ?? {}
  let response = responses[String(res.status)] ?? responses[`${String(res.status)[0]}XX`] ?? responses.default
  if (response === undefined) return [`${where}: status not documented for ${operation.key} (${Object.keys(responses).join(', ')})`]
  if (response.$ref !== undefined) response = resolveRef(spec.doc, response.$ref)
  const content = response.content ?? {}
  if (Object.keys(content).length === 0) {
    return res.body === undefined || res.body === '' ? [] : [`${where}: spec documents no body`]
  }
  const contentType = (res.contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase()
  const media = content[contentType]
  if (media === undefined) return [`${where}: content type ${contentType} not documented`]
  const key = `${operation.key} ${res.status} ${contentType}`
  let validate = spec.responses.get(key)
  if (validate === undefined) {
    validate = media.schema === undefined ? null : spec.strict.compile(toJsonSchema(media.schema))
    spec.responses.set(key, validate)
  }
  if (validate === null || validate(res.body)) return []
  return formatErrors(`${where}: body`, validate.errors)
}

/**
 * A body checked against one of the spec's component schemas (`ErrorsCommonBadAuthorizationErrors`):
 * for what hh documents once for every request rather than per operation.
 */
export function checkBodyAgainstSchema (schemaName: string, where: string, body: unknown): string[] {
  const spec = getSpec()
  const key = `#/components/schemas/${schemaName}`
  let validate = spec.responses.get(key)
  if (validate === undefined) {
    if (spec.doc.components?.schemas?.[schemaName] === undefined) throw new Error(`hh's spec has no schema ${schemaName}`)
    validate = spec.strict.compile(toJsonSchema({ $ref: key }))
    spec.responses.set(key, validate)
  }
  if (validate === null || validate(body)) return []
  return formatErrors(`${where}: body`, validate.errors)
}
