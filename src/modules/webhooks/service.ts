// Webhook endpoints of a tenant and their deliveries. The secret is made here, shown once, and kept
// sealed (it must be readable to sign). The queries are in repo.ts.
import type { Db } from '../../db/index.js'
import type { Webhook } from '../../db/schema.js'
import { conflict, invalidInput, notFound } from '../../errors.js'
import type { SecretBox } from '../../crypto/secrets.js'
import type { CreateWebhookInput, DeliveryView, UpdateWebhookInput, WebhookView } from './schemas.js'
import type { EventType } from '../../outbox/events.js'
import type { OutboundPolicy } from '../../net/outbound.js'
import { newSecret } from '../../outbox/signature.js'
import * as repo from './repo.js'

const toView = (w: Webhook): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events as EventType[],
  description: w.description,
  signingScheme: w.signing_scheme,
  status: w.status,
  disabledReason: w.disabled_reason,
  createdAt: w.created_at.toISOString(),
  updatedAt: w.updated_at.toISOString()
})

export interface WebhookServiceDeps {
  db: Db
  secrets: SecretBox
  /** what URLs may be called */
  outbound: Pick<OutboundPolicy, 'refusal'>
  /** endpoints per tenant (WEBHOOKS_PER_TENANT_MAX) */
  maxPerTenant: number
}

export function createWebhookService ({ db, secrets, outbound, maxPerTenant }: WebhookServiceDeps) {
  /** a URL the policy refuses is the caller's mistake, named as such */
  async function checkUrl (url: string): Promise<void> {
    const refusal = await outbound.refusal(url)
    if (refusal !== undefined) throw invalidInput(`url: ${refusal}`, [{ in: 'body', pointer: '/url', detail: refusal }])
  }

  async function mustFind (tenantId: string, id: string): Promise<Webhook> {
    const row = await repo.findWebhook(db, tenantId, id)
    if (row === undefined) throw notFound('webhook', id)
    return row
  }

  return {
    async create (tenantId: string, input: CreateWebhookInput): Promise<WebhookView & { secret: string }> {
      await checkUrl(input.url)
      const secret = newSecret()
      const sealed = secrets.seal(secret)
      const row = await repo.insertWebhook(db, tenantId, {
        url: input.url, events: input.events, description: input.description ?? null, secret: sealed.data, secretKeyId: sealed.keyId
      }, maxPerTenant)
      if (row === undefined) throw conflict(`a tenant may have at most ${maxPerTenant} webhooks; delete one first`, { limit: maxPerTenant })
      return { ...toView(row), secret }
    },

    async list (tenantId: string): Promise<WebhookView[]> {
      return (await repo.listWebhooks(db, tenantId)).map(toView)
    },

    async get (tenantId: string, id: string): Promise<WebhookView> {
      return toView(await mustFind(tenantId, id))
    },

    async update (tenantId: string, id: string, input: UpdateWebhookInput): Promise<WebhookView> {
      await mustFind(tenantId, id)
      if (input.url !== undefined) await checkUrl(input.url)
      const row = await repo.updateWebhook(db, tenantId, id, {
        url: input.url,
        events: input.events,
        description: input.description,
        // turning it back on forgets the failure streak
        ...(input.status !== undefined ? { status: input.status, disabledReason: null, failingSince: null } : {})
      })
      // deleted since mustFind
      if (row === undefined) throw notFound('webhook', id)
      return toView(row)
    },

    /** a new secret, shown once; the old one signs nothing more, and a legacy webhook turns standard */
    async rotateSecret (tenantId: string, id: string): Promise<WebhookView & { secret: string }> {
      await mustFind(tenantId, id)
      const secret = newSecret()
      const row = await repo.replaceSecret(db, tenantId, id, secrets.seal(secret))
      // deleted since mustFind
      if (row === undefined) throw notFound('webhook', id)
      return { ...toView(row), secret }
    },

    async remove (tenantId: string, id: string): Promise<void> {
      await mustFind(tenantId, id)
      await repo.deleteWebhook(db, tenantId, id)
    },

    async deliveries (tenantId: string, id: string, limit: number): Promise<DeliveryView[]> {
      await mustFind(tenantId, id)
      const rows = await repo.latestDeliveries(db, id, limit)
      const attempts = await repo.attemptsOf(db, rows.map(r => r.id))
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
      const row = await repo.findDelivery(db, id, deliveryId)
      if (row === undefined) throw notFound('delivery', deliveryId)
      if (row.status === 'pending') throw conflict('the delivery is still pending; it will be tried again by itself')
      await repo.requeueDelivery(db, deliveryId)
    }
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
