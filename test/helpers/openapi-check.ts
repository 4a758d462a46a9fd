// Every response a test receives through `build`'s app.inject is checked against the committed
// openapi/openapi.json: the status is documented for the operation, the media type is one it lists,
// the body matches its schema, and the headers it documents as required are there and valid.
// A mismatch rejects the inject, so the test that got the response fails naming what is wrong.
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { LightMyRequestResponse } from 'fastify'

type Json = Record<string, any>
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

export const committedDocument: Json = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'))

const DOC_ID = 'https://jobsync.dev/openapi.json'

/** an Ajv for the document's schemas: `validatorAt(pointer)` validates against the schema at that JSON pointer */
export function documentValidator (doc: Json = committedDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema({ ...doc, $id: DOC_ID })
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>()
  return {
    validate (pointer: string, value: unknown): string | undefined {
      let validate = compiled.get(pointer)
      if (validate === undefined) {
        validate = ajv.compile({ $ref: `${DOC_ID}#${pointer}` })
        compiled.set(pointer, validate)
      }
      if (validate(value)) return undefined
      return ajv.errorsText(validate.errors, { dataVar: 'body' })
    }
  }
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1')

interface Route { template: string, pattern: RegExp, literals: number }

// the documented paths as patterns; a literal segment wins over a parameter (/v1/publications/link)
const routes: Route[] = Object.keys(committedDocument.paths).map(template => ({
  template,
  pattern: new RegExp('^' + template.split('/').map(s => /^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('/') + '$'),
  literals: template.split('/').filter(s => !/^\{.+\}$/.test(s)).length
})).sort((a, b) => b.literals - a.literals)

const checker = documentValidator()

/** what is wrong with the response by the document, or undefined; routes the document does not list are not checked */
export function checkResponse (method: string, url: string, res: LightMyRequestResponse): string | undefined {
  const path = url.split('?')[0] ?? ''
  const verb = method.toLowerCase()
  const route = routes.find(r => r.pattern.test(path) && committedDocument.paths[r.template][verb] !== undefined)
  if (route === undefined) return undefined
  const operationPointer = `/paths/${escape(route.template)}/${verb}`
  const operation = committedDocument.paths[route.template][verb] as Json
  const where = `${method.toUpperCase()} ${path} (${operation.operationId as string}) answered ${res.statusCode}`
  const status = String(res.statusCode)
  const key = [status, `${status[0] ?? ''}XX`, 'default'].find(k => operation.responses[k] !== undefined)
  if (key === undefined) return `${where}, a status the document does not list (${Object.keys(operation.responses).join(', ')}): ${res.body.slice(0, 300)}`
  const response = operation.responses[key] as Json
  const responsePointer = `${operationPointer}/responses/${escape(key)}`

  for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
    const resolved = header.$ref !== undefined ? resolveRef(header.$ref as string) : header
    const value = res.headers[name.toLowerCase()]
    if (value === undefined) {
      if (resolved.required === true) return `${where} without its documented header ${name}`
      continue
    }
    const text = String(value)
    const typed = resolved.schema?.type === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text
    const headerPointer = header.$ref !== undefined ? `${(header.$ref as string).slice(1)}/schema` : `${responsePointer}/headers/${escape(name)}/schema`
    const error = checker.validate(headerPointer, typed)
    if (error !== undefined) return `${where} with header ${name}: ${text} that does not match the document: ${error}`
  }

  const content = response.content as Json | undefined
  const contentType = res.headers['content-type']
  if (content === undefined) {
    if (res.rawPayload.length > 0) return `${where} with a body where the document says none: ${res.body.slice(0, 300)}`
    return undefined
  }
  const mediaType = String(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const media = Object.keys(content).find(type => type === mediaType || (type.endsWith('/*') && mediaType.startsWith(type.slice(0, -1))))
  if (media === undefined) return `${where} as ${mediaType === '' ? 'no media type' : mediaType}, which the document does not list (${Object.keys(content).join(', ')})`
  if (!(media === 'application/json' || media.endsWith('+json'))) return undefined
  let body: unknown
  try { body = JSON.parse(res.body) } catch { return `${where} as ${media} with a body that is not JSON: ${res.body.slice(0, 300)}` }
  const error = checker.validate(`${responsePointer}/content/${escape(media)}/schema`, body)
  if (error !== undefined) return `${where} with a ${media} body that does not match the document: ${error}\n${res.body.slice(0, 500)}`
  return undefined
}

function resolveRef (ref: string): Json {
  return ref.slice(2).split('/').reduce<Json>((node, part) => node[part.replace(/~1/g, '/').replace(/~0/g, '~')], committedDocument)
}
