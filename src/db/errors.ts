// What the database refuses, as named errors the repos throw: services catch `instanceof
// DuplicateKeyError` and say what it means for the host, never a SQLSTATE. Postgres' codes
// (https://www.postgresql.org/docs/current/errcodes-appendix.html): 23505 unique_violation,
// 23503 foreign_key_violation. PGlite raises the same codes.

/** another row holds this unique key already; `constraint` is the index that said so */
export class DuplicateKeyError extends Error {
  override name = 'DuplicateKeyError'
  constructor (readonly table: string, readonly constraint: string | null, options: { cause: unknown }) {
    super(`a ${table} row with this key exists already${constraint === null ? '' : ` (${constraint})`}`, options)
  }
}

/** the row points at a row that is not there (deleted meanwhile) */
export class MissingReferenceError extends Error {
  override name = 'MissingReferenceError'
  constructor (readonly table: string, readonly constraint: string | null, options: { cause: unknown }) {
    super(`a ${table} row refers to a row that does not exist${constraint === null ? '' : ` (${constraint})`}`, options)
  }
}

interface DriverError { code?: unknown, constraint?: unknown }

/** a constraint violation of the driver as the named error; anything else as it is */
export function namedConstraintError (table: string, error: unknown): unknown {
  const { code, constraint } = (error ?? {}) as DriverError
  const name = typeof constraint === 'string' ? constraint : null
  if (code === '23505') return new DuplicateKeyError(table, name, { cause: error })
  if (code === '23503') return new MissingReferenceError(table, name, { cause: error })
  return error
}

/** runs a write on `table`, throwing a constraint violation as its named error */
export async function writing<T> (table: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    throw namedConstraintError(table, error)
  }
}

/** why the database refused a value a board sent, as a stable word; null: not the value's fault */
export type UnstorableReason = 'invalid_text' | 'invalid_date' | 'out_of_range' | 'too_large' | 'invalid_value'

/**
 * A value the database cannot take (Postgres' class 22, data exception; a check constraint; an index
 * row too large), named without the driver's text, which quotes the value. Anything else (a lost
 * connection, a deadlock, a bug) is null: a reason to fail, not to skip.
 */
export function unstorableReason (error: unknown): UnstorableReason | null {
  const { code } = (error ?? {}) as DriverError
  if (typeof code !== 'string') return null
  if (code === '22021' || code === '22P05') return 'invalid_text'
  if (code === '22007' || code === '22008') return 'invalid_date'
  if (code === '22003') return 'out_of_range'
  if (code === '22001' || code === '54000') return 'too_large'
  if (code.startsWith('22') || code === '23514') return 'invalid_value'
  return null
}
