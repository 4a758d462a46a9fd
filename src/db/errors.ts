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
