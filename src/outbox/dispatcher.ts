// Delivers outbox events to webhooks. Any number of replicas: deliveries are claimed with
// SKIP LOCKED by pushing their next attempt into the future (a lease). Per webhook and subject
// (a candidate, a publication) only the oldest pending delivery goes out, so a receiver sees one
// candidate's events in order. 2xx delivers; 408, 429 (Retry-After), 5xx and network errors retry
// with exponential backoff for 24 hours; other 4xx (and 3xx: redirects are not followed) fail at
// once. An endpoint failing for 24 hours is disabled, and the tenant's other endpoints hear of it
// (`integration.failed`). Each round also sends the outcomes queued for the boards (outcomes.ts).
// Rounds are the ticks of a periodic job (src/periodic-job.ts): one at a time, on cron and on
// demand. A round does not wait for what it sends: every attempt holds a slot (slots.ts, shared
// fairly between tenants, a few per endpoint) for at most its deadline, and a freed slot asks for
// the next round. Every connection passes the outbound policy (src/net/outbound.ts), and what a
// failed attempt shows the tenant is a stable code (src/net/failures.ts).
import type { FastifyBaseLogger } from 'fastify'
import { request } from 'undici'
import type { Db } from '../db/index.js'
import type { SecretBox } from '../crypto/secrets.js'
import { parseRetryAfter } from '../boards/http.js'
import type { OutboundPolicy } from '../net/outbound.js'
import { OutboundFailureError, outboundFailure, type OutboundFailure } from '../net/failures.js'
import { sign } from './signature.js'
import { backoffFor, GIVE_UP_MS } from './backoff.js'
import { emit } from './events.js'
import { createPeriodicJob } from '../periodic-job.js'
import type { OutcomeSharer } from './outcomes.js'
import { createBatchWriter } from './batch-writer.js'
import { createSlots } from './slots.js'
import * as repo from './repo.js'
import type { ClaimedDelivery } from './repo.js'
import type { Metrics } from '../metrics/registry.js'

const LEASE_MS = 60_000
// an endpoint that has failed for a whole day is switched off; PATCH status: active brings it back
const DISABLE_AFTER_MS = 24 * 3600_000

export interface DispatcherOptions {
  db: Db
  secrets: SecretBox
  /** every connection to an endpoint passes it */
  outbound: Pick<OutboundPolicy, 'agent'>
  log: FastifyBaseLogger
  /** attempts under way at once in this process */
  slots?: number
  /** attempts under way at once per endpoint */
  slotsPerEndpoint?: number
  /** one attempt, from connecting to the last byte of the answer */
  attemptTimeoutMs?: number
  /** the longest answer read; a longer one is cut off (the status still counts) */
  responseMaxBytes?: number
  /** first retry delay; doubles per attempt */
  backoffMs?: number
  cronExpression?: string
  /** outcomes queued for the boards, sent in the same rounds */
  outcomes?: OutcomeSharer
  metrics: Pick<Metrics, 'delivery'>
}

interface Answer { status: number | null, error: OutboundFailure | null, retryAfterMs: number | undefined }

export function createDispatcher ({
  db, secrets, outbound, log, slots: total = 64, slotsPerEndpoint = 48, attemptTimeoutMs = 10_000, responseMaxBytes = 64 * 1024,
  backoffMs = 10_000, cronExpression = '*/5 * * * * *', outcomes, metrics
}: DispatcherOptions) {
  const agent = outbound.agent({ connections: 16, keepAliveTimeout: 10_000, connectTimeoutMs: attemptTimeoutMs })
  // a quarter of the slots stays free for a tenant that turns up while another has a backlog
  // A slot that frees starts a round, but the slots freed together (a batch of deliveries written at
  // once, below) share it: a round costs two statements whatever it claims.
  let freed: NodeJS.Immediate | undefined
  const onFree = (): void => {
    freed ??= setImmediate(() => { freed = undefined; job.poke() }).unref()
  }
  const slots = createSlots({ total, reserve: Math.floor(total / 4), perKey: slotsPerEndpoint, onFree })
  // Taken deliveries are written in batches, as a group commit: one statement and one commit for
  // all that ended while the previous batch was being written (one each held a backlog to about
  // 650 a second on 2 cores). An attempt's slot is held until its batch is written, so the next
  // event of its subject is not claimed before it counts as delivered.
  const deliveredLog = createBatchWriter<repo.DeliveredAttempt>(async batch => { await repo.recordDelivered(db, batch) })
  /** ends the attempts under way when the dispatcher stops */
  const stopping = new AbortController()

  /** the answer's status, read to its end within the deadline and the size cap */
  async function post (d: ClaimedDelivery): Promise<Answer> {
    const body = JSON.stringify({ id: d.event_id, type: d.type, createdAt: d.event_created_at.toISOString(), tenantId: d.tenant_id, data: d.payload })
    const timestamp = Math.floor(Date.now() / 1000)
    const secret = secrets.open<string>({ keyId: d.secret_key_id, data: d.secret })
    let status: number | null = null
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
        // the total deadline: headers and body together, however slowly they drip
        signal: AbortSignal.any([AbortSignal.timeout(attemptTimeoutMs), stopping.signal])
      })
      status = res.statusCode
      retryAfterMs = parseRetryAfter(res.headers['retry-after'])
      let size = 0
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length
        if (size > responseMaxBytes) {
          res.body.destroy()
          throw new OutboundFailureError('too_large', `answer longer than ${responseMaxBytes} bytes`)
        }
      }
      return { status, error: null, retryAfterMs }
    } catch (e) {
      // the status, when it came, still says whether the event was taken
      return { status, error: outboundFailure(e), retryAfterMs }
    }
  }

  async function deliver (d: ClaimedDelivery): Promise<void> {
    const started = Date.now()
    const { status, error, retryAfterMs } = await post(d)
    const durationMs = Date.now() - started
    const delivered = status !== null && status >= 200 && status < 300
    // an attempt cut short by a stopping process is left leased: it is tried again when the lease ends
    if (stopping.signal.aborted && !delivered && error !== null) return
    const attempts = d.attempts + 1
    if (delivered) {
      // the common outcome: recorded with the others that end meanwhile (its slot is held until then)
      await deliveredLog.add({ id: d.id, webhookId: d.webhook_id, attempts, statusCode: status, error, durationMs })
      metrics.delivery('delivered')
      return
    }
    const retryable = status === null || status === 408 || status === 429 || status >= 500
    const expired = Date.now() - d.queued_at.getTime() > GIVE_UP_MS
    const outcome = retryable && !expired ? 'pending' : 'failed'
    const next = new Date(Date.now() + Math.max(retryAfterMs ?? 0, backoffFor(attempts, backoffMs)))
    // a status that is not 2xx is the failure even when reading the rest of the answer failed too
    const failure: OutboundFailure = status !== null ? 'bad_status' : error ?? 'connection_failed'
    await db.transaction().execute(async trx => {
      await repo.recordAttempt(trx, d.id, { statusCode: status, error: failure, durationMs })
      await repo.finishDelivery(trx, d.id, {
        status: outcome,
        attempts,
        lastStatusCode: status,
        lastError: failure,
        nextAttemptAt: outcome === 'pending' ? next : new Date()
      })
      await repo.markFailing(trx, d.webhook_id)
      const reason = `failing for 24 hours (last: ${failure}${status !== null ? ` ${status}` : ''})`
      const disabled = await repo.disableIfFailingFor(trx, d.webhook_id, DISABLE_AFTER_MS, reason)
      if (disabled !== undefined) {
        log.warn({ webhook: d.webhook_id }, 'webhook disabled after failing for 24 hours')
        // the notice goes to the tenant's endpoints still active (this one is not, by now)
        await emit(trx, d.tenant_id, 'integration.failed', `webhook:${d.webhook_id}`, {
          webhookId: d.webhook_id, url: disabled.url, status: 'disabled', error: { code: 'JOBSYNC_ERR_WEBHOOK_DISABLED', title: 'Webhook disabled', detail: reason }
        })
      }
    })
    metrics.delivery(outcome === 'pending' ? 'retrying' : outcome)
    log.info({ webhook: d.webhook_id, delivery: d.id, status, error: failure, outcome }, 'webhook delivery not accepted')
  }

  /** claims what the free slots allow, fairly, and starts sending it; the claimed and when they are all done */
  async function claimAndStart (): Promise<{ claimed: number, settled: Promise<void> }> {
    if (slots.free === 0) return { claimed: 0, settled: Promise.resolve() }
    const candidates = await repo.deliveryCandidates(db, slotsPerEndpoint, slots.fullKeys())
    const picked = slots.pick(candidates.map(c => ({ ...c, tenantId: c.tenant_id, key: c.webhook_id })))
    const claimed = await repo.claimDeliveries(db, picked.map(c => c.id), LEASE_MS)
    const runs = claimed.map(d => slots.run({ tenantId: d.tenant_id, key: d.webhook_id }, async () => {
      try {
        await deliver(d)
      } catch (error) {
        // the database failed under the attempt: the lease ends and the delivery is tried again
        log.error({ err: error, delivery: d.id }, 'webhook dispatch failed')
      }
    }))
    return { claimed: claimed.length, settled: Promise.all(runs).then(() => undefined) }
  }

  /** one round: starts the due deliveries and outcomes the slots allow; the number started, and their end */
  async function round (): Promise<{ sent: number, settled: Promise<void> }> {
    const deliveries = await claimAndStart()
    const shared = await outcomes?.start() ?? { claimed: 0, settled: Promise.resolve() }
    const sent = deliveries.claimed + shared.claimed
    // a backlog goes out in rounds back to back, not one round per cron fire (a round every 5 s
    // would take hours over a sync's backlog); only a started dispatcher does
    if (sent > 0) job.poke()
    return { sent, settled: Promise.all([deliveries.settled, shared.settled]).then(() => undefined) }
  }

  const job = createPeriodicJob({ name: 'webhook-dispatch', cron: cronExpression, onTick: round, log, errorMessage: 'webhook dispatch failed' })

  const dispatcher = {
    /** one round, and the end of what it started (tests); the number started (0 when it failed) */
    async tick (): Promise<number> {
      const result = await job.tick()
      await result?.settled
      return result?.sent ?? 0
    },

    /** deliveries waiting to go out to active webhooks, due or not, and the age of the oldest one's event in seconds */
    async backlog (): Promise<{ pending: number, oldestSeconds: number }> {
      return await repo.backlog(db)
    },

    /** rounds until nothing is due now and nothing is under way (tests, shutdown) */
    async drain (maxRounds = 100): Promise<void> {
      for (let i = 0; i < maxRounds; i++) {
        await slots.idle()
        await outcomes?.idle()
        if (await dispatcher.tick() === 0) return
      }
    },

    start (): void {
      job.start()
    },

    /** stops the rounds and waits for what they started; a second call finds it stopped */
    async stop (): Promise<void> {
      if (stopping.signal.aborted) return
      await job.stop()
      clearImmediate(freed)
      stopping.abort()
      await slots.idle()
      await outcomes?.idle()
      await agent.close()
    }
  }
  return dispatcher
}

export type Dispatcher = ReturnType<typeof createDispatcher>
