// An example value made from a schema of the OpenAPI document, for the media types whose route gives
// none: a schema's own `examples` (or `default`) wins at every level, so a route improves its example
// by naming one beside its schema. The test validates every example of the document against its
// schema, so a sample this cannot make right (a pattern it does not know) shows up there.
type Json = Record<string, any>

const formats: Record<string, string> = {
  uuid: '3f0c6a52-8d1e-4b7a-9c33-5e2d7b1a4f60',
  'date-time': '2026-03-02T09:30:00.000Z',
  date: '2026-03-02',
  uri: 'https://host.example/hooks/jobsync',
  'uri-reference': '/v1/publications',
  email: 'olena.koval@example.com',
  binary: ''
}

// a name that says what a string holds, for fields the schema gives no example of
const byName: Array<[RegExp, string]> = [
  [/email/i, 'olena.koval@example.com'],
  [/phone/i, '+380501234567'],
  [/url$/i, 'https://host.example/resource'],
  [/currency/i, 'UAH'],
  [/board$/i, 'sandbox'],
  [/^name$|title$/i, 'Senior Backend Engineer'],
  [/cursor/i, 'eyJ1IjoiMjAyNi0wMy0wMlQwOTozMDowMC4wMDBaIiwiaSI6IjNmMGMifQ'],
  [/city|location/i, 'Київ']
]

export function sampleOf (schema: Json, doc: Json, name = '', depth = 0): unknown {
  if (schema.$ref !== undefined) return sampleOf(resolve(doc, schema.$ref), doc, name, depth)
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]
  if (schema.example !== undefined) return schema.example
  if (schema.const !== undefined) return schema.const
  if (schema.default !== undefined) return schema.default
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const choices = schema.anyOf ?? schema.oneOf
  if (Array.isArray(choices)) {
    // a nullable field shows its value, not null
    const chosen = choices.find((c: Json) => c.type !== 'null') ?? choices[0]
    return sampleOf(chosen, doc, name, depth)
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s: Json) => sampleOf(s, doc, name, depth)))
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'object': return objectSample(schema, doc, depth)
    case 'array': {
      if (depth > 6 || schema.items === undefined) return []
      const count = Math.max(1, schema.minItems ?? 1)
      return Array.from({ length: count }, () => sampleOf(schema.items, doc, name, depth + 1))
    }
    case 'integer':
    case 'number': return numberSample(schema, name)
    case 'boolean': return true
    case 'null': return null
    case 'string': return stringSample(schema, name)
    default: return schema.properties !== undefined ? objectSample(schema, doc, depth) : null
  }
}

function objectSample (schema: Json, doc: Json, depth: number): Json {
  const out: Json = {}
  if (depth > 6) return out
  for (const [key, property] of Object.entries<Json>(schema.properties ?? {})) {
    out[key] = sampleOf(property, doc, key, depth + 1)
  }
  return out
}

function numberSample (schema: Json, name: string): number {
  const guess = /count|total|attempt/i.test(name) ? 3 : /seconds/i.test(name) ? 60 : /ms$/i.test(name) ? 1500 : 1
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined)
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined)
  if (low !== undefined && guess < low) return low
  if (high !== undefined && guess > high) return high
  return guess
}

function stringSample (schema: Json, name: string): string {
  if (typeof schema.format === 'string' && formats[schema.format] !== undefined) return formats[schema.format]!
  let value = byName.find(([re]) => re.test(name))?.[1] ?? (name === '' ? 'text' : name)
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern, 'u')
    if (!pattern.test(value) && pattern.test('job-42')) value = 'job-42'
  }
  if (schema.maxLength !== undefined) value = value.slice(0, schema.maxLength)
  if (schema.minLength !== undefined) value = value.padEnd(schema.minLength, 'x')
  return value
}

function resolve (doc: Json, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`cannot make an example through the reference ${ref}`)
  return ref.slice(2).split('/').reduce<Json>((node, part) => node[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
}
