// Idempotency keys of the POSTs: the first request with a key acts and its answer is kept for 24
// hours; the same key with the same request gets that answer again, with another request a 422,
// and while the first is still being processed a 409. Keys belong to their owner: a tenant (any of
// its API keys), or for admin calls the admin key. The fastify side is in plugin.ts.
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { SecretBox } from '../../crypto/secrets.js'
import type { Db } from '../../db/index.js'
import type { Database } from '../../db/schema.js'
import { AppError } from '../../errors.js'
import * as repo from './repo.js'

/** how long an answer is given again, and kept */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000
// a request unanswered for this long died with its process (no POST runs near it, board retries
// included): its key may act again rather than answer 409 for a day
const STALE_MS = 15 * 60_000

export interface StoredResponse {
  status: number
  headers: Record<string, string | string[]>
  /** null when the answer had no body */
  body: string | null
}

export type Begun =
  | { kind: 'acquired', claim: string }
  | { kind: 'replay', response: StoredResponse }

const HEADER_ERROR = { in: 'header' as const, pointer: '/idempotency-key' }

export const keyReused = () => new AppError({
  code: 'JOBSYNC_ERR_IDEMPOTENCY_KEY_REUSED',
  status: 422,
  title: 'Idempotency key reused',
  detail: 'this Idempotency-Key was used with another request (method, URL or body) in the last 24 hours; use a new key for a new request',
  errors: [{ ...HEADER_ERROR, detail: 'was used with another request' }]
})

export const keyInProgress = () => new AppError({
  code: 'JOBSYNC_ERR_IDEMPOTENCY_KEY_IN_PROGRESS',
  status: 409,
  title: 'Request in progress',
  detail: 'the first request with this Idempotency-Key is still being processed; send it again when it has finished to get its answer',
  errors: [{ ...HEADER_ERROR, detail: 'belongs to a request still being processed' }]
})

export function createIdempotencyService ({ db, secrets }: { db: Db, secrets: SecretBox }) {
  return {
    /**
     * The request with this key may act (it holds the key until it completes or releases it), or
     * here is the answer to give again. Throws 422 for a key used with another request, 409 while
     * the first is being processed.
     */
    async begin (owner: string, tenantId: string | null, key: string, fingerprint: string, path: string): Promise<Begun> {
      // a row let go between our insert and our read is gone: try again (twice is plenty)
      for (let i = 0; i < 3; i++) {
        const claim = randomUUID()
        if (await repo.claim(db, { owner, key, tenantId, fingerprint, path, claim }, IDEMPOTENCY_TTL_MS, STALE_MS)) return { kind: 'acquired', claim }
        const row = await repo.find(db, owner, key)
        if (row === undefined) continue
        if (row.fingerprint !== fingerprint) throw keyReused()
        if (row.response_status === null || row.response === null || row.response_key_id === null) throw keyInProgress()
        const { headers, body } = secrets.open<Omit<StoredResponse, 'status'>>({ data: row.response, keyId: row.response_key_id })
        return { kind: 'replay', response: { status: row.response_status, headers, body } }
      }
      throw keyInProgress()
    },

    async complete (owner: string, key: string, claim: string, response: StoredResponse): Promise<void> {
      await repo.complete(db, owner, key, claim, response.status, secrets.seal({ headers: response.headers, body: response.body }))
    },

    async release (owner: string, key: string, claim: string): Promise<void> {
      await repo.release(db, owner, key, claim)
    },

    /**
     * Forgets the tenant's stored answers of requests about these (a candidate and its
     * applications, by the ids in the request's path), in the caller's transaction: an erased
     * person's data is not kept in an answer to give again. A retry of such a request acts anew.
     */
    async forgetAbout (trx: Transaction<Database>, tenantId: string, ids: readonly string[]): Promise<number> {
      return await repo.forgetAbout(trx, tenantId, ids)
    },

    /** forgets the keys older than 24 hours; how many */
    async prune (): Promise<number> {
      return await repo.prune(db, IDEMPOTENCY_TTL_MS)
    }
  }
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>
