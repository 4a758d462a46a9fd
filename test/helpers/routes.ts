// The routes of the app as its own OpenAPI document lists them, so suites that must cover "every
// route" cover a new one without being told. Also the smallest request a route's schemas accept,
// as a base for tests that change one thing about it.
import type { FastifyInstance } from 'fastify'

export interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  minProperties?: number
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  default?: unknown
}

export interface Parameter { name: string, in: 'path' | 'query', required: boolean, schema: JsonSchema }

export type RouteAuth = 'none' | 'admin' | 'tenant'

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** the documented path, with {placeholders} */
  path: string
  pathParams: Parameter[]
  queryParams: Parameter[]
  /** the application/json request body schema, if the route takes one */
  body: JsonSchema | undefined
  /** none: `security: []`; admin: under /v1/admin (as the security scheme documents); tenant: the rest */
  auth: RouteAuth
  /** statuses the document lists */
  responses: number[]
}

export const nameOf = (op: Pick<Operation, 'method' | 'path'>): string => `${op.method} ${op.path}`

/** every operation of the document the app serves at /openapi.json */
export async function documentedOperations (app: FastifyInstance): Promise<Operation[]> {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`)
  const doc = res.json() as { paths: Record<string, Record<string, any>> }
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const parameters = (op.parameters ?? []) as Parameter[]
      const security = op.security as unknown[] | undefined
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: parameters.filter(p => p.in === 'path'),
        // fastify marks a query parameter with a default as required; the default makes it optional
        queryParams: parameters.filter(p => p.in === 'query').map(p => ({ ...p, required: p.required && p.schema.default === undefined })),
        body: op.requestBody?.content?.['application/json']?.schema,
        auth: Array.isArray(security) && security.length === 0 ? 'none' : path.startsWith('/v1/admin/') ? 'admin' : 'tenant',
        responses: Object.keys(op.responses ?? {}).map(Number).filter(n => !Number.isNaN(n))
      })
    }
  }
  return operations
}

/** the path with its placeholders filled in (URI-encoded) */
export function fillPath (path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`)
    return encodeURIComponent(value)
  })
}

export function withQuery (url: string, query: Record<string, string | string[]>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, one)
  }
  const text = search.toString()
  return text === '' ? url : `${url}?${text}`
}

// strings tried, in order, for a `pattern` the schema asks for
const PATTERN_SAMPLES = ['x', 'https://host.example/hooks', 'UAH', 'job-1']

/**
 * A value the schema accepts, as small as it gets: required properties only (plus enough optional
 * ones for minProperties), the first enum value, the first anyOf branch. `pick` supplies a value by
 * property name first (real ids, say).
 */
export function validValue (schema: JsonSchema, pick: (name: string) => unknown = () => undefined, name = ''): unknown {
  const picked = pick(name)
  if (picked !== undefined) return picked
  if (schema.enum !== undefined) return schema.enum[0]
  if (schema.anyOf !== undefined) return validValue(schema.anyOf[0]!, pick, name)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {}
      const names = [...(schema.required ?? [])]
      for (const optional of Object.keys(properties)) {
        if (names.length >= (schema.minProperties ?? 0)) break
        if (!names.includes(optional)) names.push(optional)
      }
      return Object.fromEntries(names.map(n => [n, validValue(properties[n] ?? {}, pick, n)]))
    }
    case 'array': {
      const items = schema.items ?? {}
      const count = schema.minItems ?? 0
      if (items.enum !== undefined) return items.enum.slice(0, Math.max(count, 1))
      return Array.from({ length: count }, () => validValue(items, pick))
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? Math.min(1, schema.maximum ?? 1)
    case 'boolean':
      return false
    case 'null':
      return null
    case 'string': {
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
      if (schema.format === 'date-time') return new Date(0).toISOString()
      const min = Math.max(schema.minLength ?? 1, 1)
      if (schema.pattern !== undefined) {
        const pattern = new RegExp(schema.pattern, 'u')
        const sample = PATTERN_SAMPLES.find(s => pattern.test(s) && s.length >= min && s.length <= (schema.maxLength ?? Infinity))
        if (sample === undefined) throw new Error(`no sample string for the pattern ${schema.pattern}: add one to PATTERN_SAMPLES`)
        return sample
      }
      return 'x'.repeat(min)
    }
    default:
      return {}
  }
}
