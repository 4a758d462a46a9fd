// The queries of the outbox and webhook delivery: events written with their deliveries (one per
// subscribed active webhook), candidates for the dispatcher's slots (per webhook and subject only
// the oldest pending one) claimed with SKIP LOCKED under a lease, and what a finished attempt writes back to the delivery and
// to its webhook.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/index.js'
import type { Database, WebhookDelivery } from '../db/schema.js'
import type { OutboundFailure } from '../net/failures.js'
import type { SigningScheme } from './signature.js'

export type DeliveryStatus = WebhookDelivery['status']

/** an event to write: its type, its subject (whose deliveries go out in order) and its data */
export interface EventRow {
  type: string
  subject: string
  data: unknown
}

/** a claimed delivery with what sending it needs: its webhook and its event */
export interface ClaimedDelivery {
  id: string
  webhook_id: string
  attempts: number
  queued_at: Date
  url: string
  secret: Buffer
  secret_key_id: string
  signing_scheme: SigningScheme
  event_id: string
  type: string
  tenant_id: string
  payload: unknown
  event_created_at: Date
}

/**
 * Writes events in one statement, whatever their number: the events in the order given (their
 * sequence numbers follow it), and one delivery per event and subscribed active webhook of the tenant.
 */
export async function insertEvents (trx: Transaction<Database>, tenantId: string, events: ReadonlyArray<EventRow>): Promise<void> {
  const rows = JSON.stringify(events.map(e => ({ type: e.type, subject: e.subject, payload: e.data })))
  await sql`
    with event as (
      insert into outbox_events (tenant_id, type, subject, payload)
      select ${tenantId}, e.type, e.subject, e.payload
      from rows from (jsonb_to_recordset(${rows}::jsonb) as (type text, subject text, payload jsonb)) with ordinality as e(type, subject, payload, n)
      order by e.n
      returning id, type, subject
    )
    insert into webhook_deliveries (webhook_id, event_seq, subject)
    select w.id, event.id, event.subject
    from event join webhooks w on w.tenant_id = ${tenantId} and w.status = 'active' and event.type = any(w.events)`.execute(trx)
}

/** a due delivery that may be claimed: the oldest pending one of its webhook and subject */
export interface DeliveryCandidate {
  id: string
  webhook_id: string
  tenant_id: string
}

/**
 * Per active webhook (but the `skipWebhooks`), up to `perWebhook` due deliveries that are first in
 * line for their subject, oldest event first. Nothing is locked: `claimDeliveries` takes the ones
 * the slots go to.
 */
export async function deliveryCandidates (db: Db, perWebhook: number, skipWebhooks: readonly string[]): Promise<DeliveryCandidate[]> {
  const { rows } = await sql<DeliveryCandidate>`
    select c.id, w.id as webhook_id, w.tenant_id
    from webhooks w
    cross join lateral (
      select d.id, d.event_seq from webhook_deliveries d
      where d.webhook_id = w.id and d.status = 'pending' and d.next_attempt_at <= now()
        and not exists (
          select 1 from webhook_deliveries earlier
          where earlier.webhook_id = d.webhook_id and earlier.subject = d.subject
            and earlier.status = 'pending' and earlier.event_seq < d.event_seq)
      order by d.event_seq
      limit ${perWebhook}
    ) c
    where w.status = 'active' and w.id <> all(${[...skipWebhooks]}::uuid[])
    order by c.event_seq`.execute(db)
  return rows
}

/** claims these deliveries if they are still due (another replica may have them), leased for `leaseMs` */
export async function claimDeliveries (db: Db, ids: readonly string[], leaseMs: number): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<ClaimedDelivery>`
    with due as (
      select d.id from webhook_deliveries d
      where d.id = any(${[...ids]}::uuid[]) and d.status = 'pending' and d.next_attempt_at <= now()
      for update of d skip locked
    )
    update webhook_deliveries d set next_attempt_at = now() + ${`${leaseMs} milliseconds`}::interval
    from due, webhooks w, outbox_events e
    where d.id = due.id and w.id = d.webhook_id and w.status = 'active' and e.id = d.event_seq
    returning d.id, d.webhook_id, d.attempts, d.queued_at, w.url, w.secret, w.secret_key_id, w.signing_scheme, e.event_id, e.type, e.tenant_id, e.payload, e.created_at as event_created_at`.execute(db)
  return rows
}

/** one try at sending a delivery, for its attempt log */
export async function recordAttempt (
  trx: Transaction<Database>, deliveryId: string, attempt: { statusCode: number | null, error: OutboundFailure | null, durationMs: number }
): Promise<void> {
  await trx.insertInto('webhook_attempts').values({ delivery_id: deliveryId, status_code: attempt.statusCode, error: attempt.error, duration_ms: attempt.durationMs }).execute()
}

/** a delivery the endpoint took, with its attempt */
export interface DeliveredAttempt { id: string, webhookId: string, attempts: number, statusCode: number, error: OutboundFailure | null, durationMs: number }

/**
 * Deliveries the endpoints took, in one statement whatever their number: each attempt logged, each
 * delivery done, and the failure streak of their webhooks, if they had one, over.
 */
export async function recordDelivered (db: Db, done: readonly DeliveredAttempt[]): Promise<void> {
  if (done.length === 0) return
  await sql`
    with done (id, webhook_id, attempts, status_code, error, duration_ms) as (
      select * from unnest(${done.map(x => x.id)}::uuid[], ${done.map(x => x.webhookId)}::uuid[], ${done.map(x => x.attempts)}::int[],
        ${done.map(x => x.statusCode)}::int[], ${done.map(x => x.error)}::text[], ${done.map(x => x.durationMs)}::int[])
    ), attempt as (
      insert into webhook_attempts (delivery_id, status_code, error, duration_ms)
      select id, status_code, error, duration_ms from done
    ), streak as (
      update webhooks set failing_since = null where id in (select webhook_id from done) and failing_since is not null
    )
    update webhook_deliveries d set status = 'delivered', attempts = done.attempts, last_status_code = done.status_code,
      last_error = null, next_attempt_at = now(), delivered_at = now()
    from done where d.id = done.id`.execute(db)
}

/** where a delivery the endpoint did not take stands after the try: due again, or failed */
export async function finishDelivery (
  trx: Transaction<Database>, deliveryId: string,
  result: { status: 'pending' | 'failed', attempts: number, lastStatusCode: number | null, lastError: OutboundFailure, nextAttemptAt: Date }
): Promise<void> {
  await trx.updateTable('webhook_deliveries').set({
    status: result.status,
    attempts: result.attempts,
    last_status_code: result.lastStatusCode,
    last_error: result.lastError,
    next_attempt_at: result.nextAttemptAt
  }).where('id', '=', deliveryId).execute()
}

/** the webhook's failure streak starts now, unless it runs already */
export async function markFailing (trx: Transaction<Database>, webhookId: string): Promise<void> {
  await sql`update webhooks set failing_since = coalesce(failing_since, now()) where id = ${webhookId}`.execute(trx)
}

/**
 * Disables the webhook if it is active and its failure streak is older than `failingForMs`; its id
 * and url when this call disabled it, undefined otherwise.
 */
export async function disableIfFailingFor (
  trx: Transaction<Database>, webhookId: string, failingForMs: number, reason: string
): Promise<{ id: string, url: string } | undefined> {
  const { rows } = await sql<{ id: string, url: string }>`
    update webhooks set status = 'disabled', disabled_reason = ${reason}, updated_at = now()
    where id = ${webhookId} and status = 'active' and failing_since < now() - ${`${failingForMs} milliseconds`}::interval
    returning id, url`.execute(trx)
  return rows[0]
}

/**
 * Deliveries waiting to go out to active webhooks (a disabled webhook's wait for its PATCH, not for
 * us), and the age in seconds of the oldest one's event. Reads the pending deliveries' partial index.
 */
export async function backlog (db: Db): Promise<{ pending: number, oldestSeconds: number }> {
  const { rows } = await sql<{ pending: number, oldest_seconds: number | null }>`
    select count(*)::int as pending, extract(epoch from now() - min(d.queued_at))::float8 as oldest_seconds
    from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.status = 'active'
    where d.status = 'pending'`.execute(db)
  return { pending: rows[0]?.pending ?? 0, oldestSeconds: Math.max(0, rows[0]?.oldest_seconds ?? 0) }
}

/**
 * Retention: deletes up to `batch` events older than `days` that no delivery still waits for (none
 * pending: a disabled webhook's pending deliveries wait for its PATCH), with their deliveries and
 * their attempts (cascaded). Rows another transaction holds are skipped, never waited for. How many
 * events went.
 */
export async function pruneEvents (db: Db, days: number, batch: number): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    with doomed as (
      select e.id from outbox_events e
      where e.created_at < now() - make_interval(days => ${days})
        and not exists (select 1 from webhook_deliveries d where d.event_seq = e.id and d.status = 'pending')
      order by e.created_at
      limit ${batch}
      for update of e skip locked
    )
    delete from outbox_events e using doomed where e.id = doomed.id
    returning e.id`.execute(db)
  return rows.length
}

/** Retention: deletes up to `batch` delivery attempts older than `days` (skipping locked ones); how many went. */
export async function pruneAttempts (db: Db, days: number, batch: number): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    with doomed as (
      select a.id from webhook_attempts a
      where a.at < now() - make_interval(days => ${days})
      order by a.at
      limit ${batch}
      for update of a skip locked
    )
    delete from webhook_attempts a using doomed where a.id = doomed.id
    returning a.id`.execute(db)
  return rows.length
}
