// Failed authentications, counted per client address and per key prefix in fixed windows. Past
// the budget the caller gets 429 with Retry-After before its key is looked at, so guessing costs
// no database query. A key that authenticated in this process is never held back by others'
// failures: an attacker hammering a known prefix, or sharing the host's address, cannot lock the
// host out. In-process on purpose (docs/decisions.md): each replica keeps its own counts (the
// effective budget is replicas × the limit), and the failure path writes nothing anywhere.
import { createHash } from 'node:crypto'

/** entries kept at most: past it, expired windows go first, then the oldest */
const MAX_ENTRIES = 100_000
const MAX_KNOWN = 10_000

export interface AuthLimiterOptions {
  /** failed authentications allowed per address and per prefix in one window */
  max: number
  windowMs: number
  now?: () => number
}

export function createAuthLimiter ({ max, windowMs, now = Date.now }: AuthLimiterOptions) {
  const windows = new Map<string, { start: number, failures: number }>()
  // SHA-256 of the keys that passed: the keys themselves are not kept in memory
  const known = new Set<string>()
  const digest = (token: string) => createHash('sha256').update(token).digest('base64url')
  const slots = (address: string, prefix: string | undefined) => prefix === undefined ? [`a:${address}`] : [`a:${address}`, `p:${prefix}`]

  function waitOf (slot: string, at: number): number {
    const entry = windows.get(slot)
    if (entry === undefined || entry.start + windowMs <= at) return 0
    return entry.failures >= max ? entry.start + windowMs - at : 0
  }

  function makeRoom (at: number): void {
    if (windows.size < MAX_ENTRIES) return
    for (const [slot, entry] of windows) if (entry.start + windowMs <= at) windows.delete(slot)
    for (const slot of windows.keys()) {
      if (windows.size < MAX_ENTRIES) break
      windows.delete(slot)
    }
  }

  return {
    /** ms the caller must wait before its key is even looked at; 0 = go on */
    waitMs (address: string, prefix: string | undefined, token: string | undefined): number {
      const at = now()
      const wait = Math.max(...slots(address, prefix).map(slot => waitOf(slot, at)))
      if (wait === 0 || token === undefined) return wait
      return known.has(digest(token)) ? 0 : wait
    },

    failed (address: string, prefix: string | undefined, token: string | undefined): void {
      if (token !== undefined) known.delete(digest(token))
      const at = now()
      for (const slot of slots(address, prefix)) {
        const entry = windows.get(slot)
        if (entry === undefined || entry.start + windowMs <= at) {
          makeRoom(at)
          windows.set(slot, { start: at, failures: 1 })
        } else {
          entry.failures++
        }
      }
    },

    passed (token: string): void {
      if (known.size >= MAX_KNOWN) known.clear()
      known.add(digest(token))
    }
  }
}

export type AuthLimiter = ReturnType<typeof createAuthLimiter>
