// Request validation. Bodies are checked strictly: a number where a string belongs, or an unknown
// field, is an error the caller sees. Query strings, path params and headers arrive as text, so
// those are coerced to the declared types. Before any schema, two things no schema can say: JSON
// nested deeper than JSON_MAX_DEPTH is refused before it is parsed, and U+0000 (which Postgres
// cannot store, in text or jsonb) is refused in any string or name of a body, query or path.
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { invalidInput, type FieldError } from '../errors.js'
import { sharedSchemas } from './schemas.js'

function makeAjv (options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, removeAdditional: false, strict: false, ...options })
  addFormats.default(ajv)
  for (const schema of sharedSchemas) ajv.addSchema(schema)
  return ajv
}

const QUOTE = 34
const BACKSLASH = 92
const OPENING = new Set([123, 91]) // { [
const CLOSING = new Set([125, 93]) // } ]

/**
 * Whether JSON text nests objects and arrays deeper than `max` (`{}` is 1 deep), read in one pass
 * without parsing: JSON.parse recurses, and a 100k-deep body would cost a stack and a heap before
 * any schema could refuse it. Brackets inside strings do not count.
 */
export function nestsDeeperThan (text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (OPENING.has(c)) { if (++depth > max) return true } else if (CLOSING.has(c)) depth--
  }
  return false
}

const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1')

/** the JSON pointer of the first string or name holding U+0000 within `value`, or null */
export function nulAt (value: unknown, pointer = ''): { pointer: string, what: 'value' | 'name' } | null {
  if (typeof value === 'string') return value.includes('\u0000') ? { pointer: pointer === '' ? '/' : pointer, what: 'value' } : null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i], `${pointer}/${i}`)
      if (found !== null) return found
    }
    return null
  }
  // parsed JSON, a query or the path's parameters (a Buffer body is bytes, not text)
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${escapePointer(key)}`
      if (key.includes('\u0000')) return { pointer: at, what: 'name' }
      const found = nulAt(item, at)
      if (found !== null) return found
    }
  }
  return null
}

/** the request's first U+0000, as the field error naming where it is */
function nulField (request: FastifyRequest): FieldError | null {
  const parts: Array<[FieldError['in'], unknown]> = [['path', request.params], ['query', request.query], ['body', request.body]]
  for (const [where, value] of parts) {
    const found = nulAt(value)
    if (found !== null) return { in: where, pointer: found.pointer, detail: found.what === 'name' ? 'has a name containing U+0000 (NUL)' : 'must not contain U+0000 (NUL)' }
  }
  return null
}

export default fp(async function validation (app: FastifyInstance, options: { jsonMaxDepth: number }) {
  const strict = makeAjv({ coerceTypes: false })
  const coercing = makeAjv({ coerceTypes: 'array' })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema))

  // fastify's own JSON parser (its proto-poisoning rules, its errors), behind the depth check
  const parseJson = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'ignore')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (nestsDeeperThan(text, options.jsonMaxDepth)) {
      const detail = `nests objects and arrays deeper than ${options.jsonMaxDepth} levels`
      done(invalidInput(`body ${detail}`, [{ in: 'body', pointer: '/', detail }]), undefined)
      return
    }
    parseJson(request, text, done)
  })

  app.addHook('preValidation', async request => {
    const field = nulField(request)
    if (field !== null) throw invalidInput(`${field.in} ${field.pointer} ${field.detail}`, [field])
  })
}, { name: 'validation' })
