import type { Test } from 'tap'
import { BoardError } from '../../src/boards/errors.js'

/** the BoardError a call fails with, checked to show none of `secrets` in its message or its JSON */
export async function boardFailure (t: Test, promise: Promise<unknown>, secrets: Iterable<string>): Promise<BoardError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  t.type(error, BoardError, 'fails with a BoardError')
  const shown = `${String(error)}\n${(error as Error | null)?.message ?? ''}\n${JSON.stringify(error)}`
  t.notOk([...secrets].some(secret => shown.includes(secret)), 'no secret in the error')
  return error as BoardError
}
