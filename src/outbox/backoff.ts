// One retry policy for everything the outbox sends (webhook deliveries, outcomes shared with a
// board): exponential backoff from a base delay, at most an hour apart, for 24 hours.
export const GIVE_UP_MS = 24 * 3600_000
const MAX_BACKOFF_MS = 3600_000

/** the delay before attempt `attempts + 1`: base, 2·base, 4·base, … capped at an hour */
export function backoffFor (attempts: number, base: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempts - 1))
}
