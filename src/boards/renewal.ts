// A renewal of an account's stored credentials (an OAuth refresh, a new login), told to the
// board's shared `onTokenRefresh` (the metrics) with how it went.
import type { BoardId, BoardShared, TokenRefreshOutcome } from './types.js'

/**
 * Runs `renew` and reports it: 'refreshed', 'failed' when it throws, or 'reused' when `renew` calls
 * `reused()` (under the credential lock it found credentials another call or replica had renewed).
 */
export async function reportedRenewal<T> (deps: Pick<BoardShared, 'onTokenRefresh'>, board: BoardId, renew: (reused: () => void) => Promise<T>): Promise<T> {
  let outcome: TokenRefreshOutcome = 'refreshed'
  try {
    return await renew(() => { outcome = 'reused' })
  } catch (error) {
    outcome = 'failed'
    throw error
  } finally {
    deps.onTokenRefresh?.(board, outcome)
  }
}
