// What every adapter does with what a board sends: check it against the minimal schema of the
// fields it reads before trusting it, and quote the board's own words safely in errors.
import type { Static, TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { BoardError } from './errors.js'
import { boardName } from './registry.js'
import type { BoardId } from './types.js'

// every page of a sync is checked: each schema is compiled once, on first use (several times
// faster than interpreting it on every page)
const validators = new WeakMap<TSchema, Validator>()
const validatorOf = (schema: TSchema): Validator => {
  let validator = validators.get(schema)
  if (validator === undefined) validators.set(schema, validator = Compile(schema))
  return validator
}

/** the board's body as the schema's type, or a 'bad_response' naming the first mismatch */
export function parseBoardPayload<T extends TSchema> (board: BoardId, schema: T, body: unknown, what: string): Static<T> {
  const validator = validatorOf(schema)
  if (validator.Check(body)) return body as Static<T>
  const first = validator.Errors(body)[0]
  const where = first === undefined ? '' : `: ${first.instancePath === '' ? '/' : first.instancePath} ${first.message}`
  throw new BoardError({ board, kind: 'bad_response', detail: `${boardName(board)} sent an unexpected ${what}${where}` })
}

/** the board's own words, cut short, with any credential it might echo blanked out */
export function quoteBoardText (text: string, secrets: readonly string[]): string {
  let safe = text
  for (const secret of secrets) {
    if (secret.length >= 3) safe = safe.split(secret).join('[redacted]')
  }
  return safe.length > 300 ? `${safe.slice(0, 300)}…` : safe
}
