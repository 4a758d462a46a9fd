// Webhook endpoints of a tenant and their deliveries. The secret is made here, shown once, and kept
// sealed (it must be readable to sign).
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Webhook, WebhookDelivery } from '../../db/schema.js'
import { conflict, notFound } from '../../errors.js'
import type { SecretBox } from '../../crypto/secrets.js'
import type { CreateWebhookInput, DeliveryView, UpdateWebhookInput, WebhookView } from './schemas.js'
import type { EventType } from '../../outbox/events.js'

const toView = (w: Webhook): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events as EventType[],
  description: w.description,
  status: w.status,
  disabledReason: w.disabled_reason,
  createdAt: w.created_at.toISOString(),
  updatedAt: w.updated_at.toISOString()
})

export function createWebhookService ({ db, secrets }: { db: Db, secrets: SecretBox }) {
  async function mustFind (tenantId: string, id: string): Promise<Webhook> {
    const row = await db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
    if (row === undefined) throw notFound('webhook', id)
    return row
  }

  return {
    async create (tenantId: string, input: CreateWebhookInput): Promise<WebhookView & { secret: string }> {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`
      const sealed = secrets.seal(secret)
      const row = await db.insertInto('webhooks').values({
        tenant_id: tenantId, url: input.url, events: input.events, description: input.description ?? null, secret: sealed.data, secret_key_id: sealed.keyId
      }).returningAll().executeTakeFirstOrThrow()
      return { ...toView(row), secret }
    },

    async list (tenantId: string): Promise<WebhookView[]> {
      return (await db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()).map(toView)
    },

    async get (tenantId: string, id: string): Promise<WebhookView> {
      return toView(await mustFind(tenantId, id))
    },

    async update (tenantId: string, id: string, input: UpdateWebhookInput): Promise<WebhookView> {
      await mustFind(tenantId, id)
      const row = await db.updateTable('webhooks').set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        // turning it back on forgets the failure streak
        ...(input.status !== undefined ? { status: input.status, disabled_reason: null, failing_since: null } : {}),
        updated_at: new Date()
      }).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
      return toView(row)
    },

    async remove (tenantId: string, id: string): Promise<void> {
      await mustFind(tenantId, id)
      await db.deleteFrom('webhooks').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
    },

    async deliveries (tenantId: string, id: string, limit: number): Promise<DeliveryView[]> {
      await mustFind(tenantId, id)
      const rows = await db.selectFrom('webhook_deliveries')
        .innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_seq')
        .selectAll('webhook_deliveries').select(['outbox_events.event_id', 'outbox_events.type'])
        .where('webhook_deliveries.webhook_id', '=', id)
        .orderBy('webhook_deliveries.event_seq', 'desc').limit(limit).execute()
      const attempts = rows.length === 0
        ? []
        : await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', rows.map(r => r.id)).orderBy('id').execute()
      return rows.map(r => ({
        id: r.id,
        eventId: r.event_id,
        eventType: r.type as EventType,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
        lastStatusCode: r.last_status_code,
        lastError: r.last_error,
        deliveredAt: r.delivered_at?.toISOString() ?? null,
        createdAt: r.created_at.toISOString(),
        attemptLog: attempts.filter(a => a.delivery_id === r.id).map(a => ({ at: a.at.toISOString(), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms }))
      }))
    },

    async redeliver (tenantId: string, id: string, deliveryId: string): Promise<void> {
      await mustFind(tenantId, id)
      const row: WebhookDelivery | undefined = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', id).executeTakeFirst()
      if (row === undefined) throw notFound('delivery', deliveryId)
      if (row.status === 'pending') throw conflict('the delivery is still pending; it will be tried again by itself')
      await db.updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: sql<Date>`now()`, queued_at: sql<Date>`now()`, attempts: 0 })
        .where('id', '=', deliveryId).execute()
    }
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
