// Opaque keyset cursors: base64url of the sort key of the last item seen. A cursor that does not
// decode is a 400 naming the `after` parameter, never a 500.
import { invalidInput } from '../errors.js'

export function encodeCursor (parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')
}

export function decodeCursor (cursor: string, shape: ReadonlyArray<'string' | 'number'>, parameter = 'after'): Array<string | number> {
  let parts: unknown
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parts = undefined
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || parts.some((p, i) => typeof p !== shape[i])) {
    throw invalidInput(`${parameter} is not a cursor this list gave out`, [{ in: 'query', pointer: `/${parameter}`, detail: 'is not a valid cursor' }])
  }
  return parts as Array<string | number>
}
