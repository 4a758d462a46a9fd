// Logger options shared by the server and the tests. Authorization headers are redacted, and
// any field whose name looks like a secret is censored wherever it sits in a log object.
// The formatter runs before pino's serializers: it walks plain objects and arrays only, and leaves
// anything else (a request, a response, an error) whole for its serializer to describe.
import type { LoggerOptions } from 'pino'

const SECRET_NAME = /pass(word)?|secret|token|api[-_]?key|authorization|credential|cookie|refresh|private[-_]?key|^key$/i
const CENSOR = '[redacted]'

function isPlain (value: object): boolean {
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

export function scrubSecrets (value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 8) return value
  if (!isPlain(value)) return value
  if (Array.isArray(value)) return value.map(item => scrubSecrets(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_NAME.test(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean'
      ? CENSOR
      : scrubSecrets(inner, depth + 1)
  }
  return out
}

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: CENSOR },
    formatters: {
      log: object => scrubSecrets(object) as Record<string, unknown>
    }
  }
}
