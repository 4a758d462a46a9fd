// Delivers outbox events to webhooks. Any number of replicas: deliveries are claimed with
// SKIP LOCKED by pushing their next attempt into the future (a lease). Per webhook and subject
// (a candidate, a publication) only the oldest pending delivery goes out, so a receiver sees one
// candidate's events in order. 2xx delivers; 408, 429 (Retry-After), 5xx and network errors retry
// with exponential backoff for 24 hours; other 4xx fail at once. An endpoint failing for 24 hours
// is disabled, and the tenant's other endpoints hear of it (`integration.failed`). Each round also
// sends the outcomes queued for the boards (outcomes.ts), with the same backoff. Rounds are the
// ticks of a periodic job (src/periodic-job.ts): one at a time, on cron and on demand.
import type { FastifyBaseLogger } from 'fastify'
import { Agent, request } from 'undici'
import type { Db } from '../db/index.js'
import type { SecretBox } from '../crypto/secrets.js'
import { parseRetryAfter } from '../boards/http.js'
import { sign } from './signature.js'
import { backoffFor, GIVE_UP_MS } from './backoff.js'
import { emit } from './events.js'
import { createPeriodicJob } from '../periodic-job.js'
import type { OutcomeSharer } from './outcomes.js'
import * as repo from './repo.js'
import type { ClaimedDelivery } from './repo.js'

const LEASE_MS = 60_000
const TIMEOUT_MS = 10_000
// an endpoint that has failed for a whole day is switched off; PATCH status: active brings it back
const DISABLE_AFTER_MS = 24 * 3600_000

export interface DispatcherOptions {
  db: Db
  secrets: SecretBox
  log: FastifyBaseLogger
  batchSize?: number
  /** first retry delay; doubles per attempt */
  backoffMs?: number
  cronExpression?: string
  /** outcomes queued for the boards, sent in the same rounds */
  outcomes?: OutcomeSharer
}

export function createDispatcher ({ db, secrets, log, batchSize = 50, backoffMs = 10_000, cronExpression = '*/5 * * * * *', outcomes }: DispatcherOptions) {
  const agent = new Agent({ connections: 16, keepAliveTimeout: 10_000 })

  async function deliver (d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({ id: d.event_id, type: d.type, createdAt: d.event_created_at.toISOString(), tenantId: d.tenant_id, data: d.payload })
    const timestamp = Math.floor(Date.now() / 1000)
    const secret = secrets.open<string>({ keyId: d.secret_key_id, data: d.secret })
    const started = Date.now()
    let status: number | null = null
    let error: string | null = null
    let retryAfterMs: number | undefined
    try {
      const res = await request(d.url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jobsync-webhooks/1',
          'webhook-id': d.event_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': sign(d.signing_scheme, secret, d.event_id, timestamp, body)
        },
        body,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS
      })
      status = res.statusCode
      retryAfterMs = parseRetryAfter(res.headers['retry-after'])
      await res.body.dump()
    } catch (e) {
      error = (e as { code?: string }).code ?? (e as Error).message
    }
    const durationMs = Date.now() - started
    const delivered = status !== null && status >= 200 && status < 300
    const retryable = status === null || status === 408 || status === 429 || status >= 500
    const attempts = d.attempts + 1
    const expired = Date.now() - d.queued_at.getTime() > GIVE_UP_MS
    const outcome = delivered ? 'delivered' : (retryable && !expired ? 'pending' : 'failed')
    const next = new Date(Date.now() + Math.max(retryAfterMs ?? 0, backoffFor(attempts, backoffMs)))
    await db.transaction().execute(async trx => {
      await repo.recordAttempt(trx, d.id, { statusCode: status, error, durationMs })
      await repo.finishDelivery(trx, d.id, {
        status: outcome,
        attempts,
        lastStatusCode: status,
        lastError: error ?? (delivered ? null : `HTTP ${status ?? ''}`),
        nextAttemptAt: outcome === 'pending' ? next : new Date(),
        ...(delivered ? { deliveredAt: new Date() } : {})
      })
      if (delivered) {
        await repo.clearFailingSince(trx, d.webhook_id)
      } else {
        await repo.markFailing(trx, d.webhook_id)
        const reason = `failing for 24 hours (last: ${error ?? `HTTP ${status ?? ''}`})`
        const disabled = await repo.disableIfFailingFor(trx, d.webhook_id, DISABLE_AFTER_MS, reason)
        if (disabled !== undefined) {
          log.warn({ webhook: d.webhook_id }, 'webhook disabled after failing for 24 hours')
          // the notice goes to the tenant's endpoints still active (this one is not, by now)
          await emit(trx, d.tenant_id, 'integration.failed', `webhook:${d.webhook_id}`, {
            webhookId: d.webhook_id, url: disabled.url, status: 'disabled', error: { code: 'JOBSYNC_ERR_WEBHOOK_DISABLED', title: 'Webhook disabled', detail: reason }
          })
        }
      }
    })
    if (!delivered) log.info({ webhook: d.webhook_id, delivery: d.id, status, error, outcome }, 'webhook delivery not accepted')
  }

  /** one round: claims due deliveries and sends them, then the due outcomes; the number sent */
  async function round (): Promise<number> {
    const claimed = await repo.claimDeliveries(db, batchSize, LEASE_MS)
    await Promise.all(claimed.map(async d => { await deliver(d) }))
    const shared = await outcomes?.tick() ?? 0
    const sent = claimed.length + shared
    // a backlog goes out in rounds back to back, not one round per cron fire (a round of batchSize
    // every 5 s is 10 events/s: a sync's backlog would take hours); only a started dispatcher does
    if (sent > 0) job.poke()
    return sent
  }

  const job = createPeriodicJob({ name: 'webhook-dispatch', cron: cronExpression, onTick: round, log, errorMessage: 'webhook dispatch failed' })

  const dispatcher = {
    /** one round: claims due deliveries and sends them; the number sent (0 when it failed) */
    async tick (): Promise<number> {
      return await job.tick() ?? 0
    },

    /** rounds until nothing is due now (tests, shutdown) */
    async drain (maxRounds = 100): Promise<void> {
      for (let i = 0; i < maxRounds; i++) if (await dispatcher.tick() === 0) return
    },

    start (): void {
      job.start()
    },

    async stop (): Promise<void> {
      await job.stop()
      await agent.close()
    }
  }
  return dispatcher
}

export type Dispatcher = ReturnType<typeof createDispatcher>
