// Opaque keyset cursors: base64url of the sort key of the last item seen. A cursor that does not
// decode is a 400 naming the `after` parameter, never a 500.
import { invalidInput } from '../errors.js'

export function encodeCursor (parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')
}

const notACursor = (parameter: string) =>
  invalidInput(`${parameter} is not a cursor this list gave out`, [{ in: 'query', pointer: `/${parameter}`, detail: 'is not a valid cursor' }])

export function decodeCursor (cursor: string, shape: ReadonlyArray<'string' | 'number'>, parameter = 'after'): Array<string | number> {
  let parts: unknown
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parts = undefined
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || parts.some((p, i) => typeof p !== shape[i])) throw notACursor(parameter)
  return parts as Array<string | number>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** the keyset of a list ordered by (a time, id): both checked, so a forged cursor is a 400 and never reaches SQL */
export function decodeTimeIdCursor (cursor: string, parameter = 'after'): { at: Date, id: string } {
  const [time, id] = decodeCursor(cursor, ['string', 'string'], parameter) as [string, string]
  const at = new Date(time)
  if (Number.isNaN(at.getTime()) || !UUID.test(id)) throw notACursor(parameter)
  return { at, id }
}

/** a cursor of a list ordered by (a time, id) */
export const encodeTimeIdCursor = (at: Date, id: string): string => encodeCursor([at.toISOString(), id])

/** where a list ordered by (created_at, id) resumes: undefined on the first page */
export function createdAfter (cursor: string | undefined): { createdAt: Date, id: string } | undefined {
  if (cursor === undefined) return undefined
  const { at, id } = decodeTimeIdCursor(cursor)
  return { createdAt: at, id }
}

/** a page read as `limit + 1` rows (the extra row only tells that there is more), and the cursor after it */
export function createdPage<R extends { created_at: Date, id: string }> (rows: R[], limit: number): { page: R[], nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeTimeIdCursor(last.created_at, last.id) : null }
}

const XID = /^\d{1,20}$/

/**
 * A change feed's cursor: the writing transaction's id and the row's id. A cursor of the feeds'
 * earlier order, (updated_at, id), still decodes, as `{ at, id }`, for the caller to translate.
 */
export function decodeFeedCursor (cursor: string, parameter = 'after'): { xid: string, id: string } | { at: Date, id: string } {
  const [first, id] = decodeCursor(cursor, ['string', 'string'], parameter) as [string, string]
  if (XID.test(first) && UUID.test(id)) return { xid: first, id }
  return decodeTimeIdCursor(cursor, parameter)
}

/** a change feed's cursor after this row */
export const encodeFeedCursor = (xid: string, id: string): string => encodeCursor([xid, id])
