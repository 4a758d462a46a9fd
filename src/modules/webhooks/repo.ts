// The queries of a tenant's webhook endpoints and of their deliveries as the API shows them. Every
// webhook query is scoped by tenant; a delivery is found through its webhook.
import { sql } from 'kysely'
import type { Db } from '../../db/index.js'
import type { Selectable } from 'kysely'
import type { Webhook, WebhookAttemptTable, WebhookDelivery } from '../../db/schema.js'

export interface NewWebhook {
  url: string
  events: string[]
  description: string | null
  /** the signing secret, sealed */
  secret: Buffer
  secretKeyId: string
}

/** what an update writes; a field left out stays as it is */
export interface WebhookChanges {
  url?: string
  events?: string[]
  description?: string | null
  status?: Webhook['status']
  disabledReason?: string | null
  failingSince?: Date | null
}

/** a delivery with its event's id and type */
export type DeliveryWithEvent = WebhookDelivery & { event_id: string, type: string }

/** inserts the webhook unless the tenant has `max` already (undefined then); two at once cannot both pass the count */
export async function insertWebhook (db: Db, tenantId: string, webhook: NewWebhook, max: number): Promise<Webhook | undefined> {
  return await db.transaction().execute(async trx => {
    // the tenant's row is the lock the count is taken under
    await trx.selectFrom('tenants').select('id').where('id', '=', tenantId).forUpdate().execute()
    const { count } = await trx.selectFrom('webhooks').select(eb => eb.fn.countAll<string>().as('count')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()
    if (Number(count) >= max) return undefined
    return await trx.insertInto('webhooks').values({
      tenant_id: tenantId, url: webhook.url, events: webhook.events, description: webhook.description, secret: webhook.secret, secret_key_id: webhook.secretKeyId
    }).returningAll().executeTakeFirstOrThrow()
  })
}

export async function findWebhook (db: Db, tenantId: string, id: string): Promise<Webhook | undefined> {
  return await db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

/** the tenant's webhooks, oldest first */
export async function listWebhooks (db: Db, tenantId: string): Promise<Webhook[]> {
  return await db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()
}

/** writes the changes and touches updated_at; the webhook as it is now, undefined when there is none */
export async function updateWebhook (db: Db, tenantId: string, id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
  return await db.updateTable('webhooks').set({
    ...(changes.url !== undefined ? { url: changes.url } : {}),
    ...(changes.events !== undefined ? { events: changes.events } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.disabledReason !== undefined ? { disabled_reason: changes.disabledReason } : {}),
    ...(changes.failingSince !== undefined ? { failing_since: changes.failingSince } : {}),
    updated_at: new Date()
  }).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst()
}

/**
 * A new signing secret (sealed) that signs the Standard Webhooks way from now on; the webhook as it
 * is now, undefined when there is none
 */
export async function replaceSecret (db: Db, tenantId: string, id: string, secret: { data: Buffer, keyId: string }): Promise<Webhook | undefined> {
  return await db.updateTable('webhooks')
    .set({ secret: secret.data, secret_key_id: secret.keyId, signing_scheme: 'standard', updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirst()
}

/** deletes the webhook (its deliveries and attempts go with it) */
export async function deleteWebhook (db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('webhooks').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
}

/** the webhook's latest `limit` deliveries, newest event first */
export async function latestDeliveries (db: Db, webhookId: string, limit: number): Promise<DeliveryWithEvent[]> {
  return await db.selectFrom('webhook_deliveries')
    .innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_seq')
    .selectAll('webhook_deliveries').select(['outbox_events.event_id', 'outbox_events.type'])
    .where('webhook_deliveries.webhook_id', '=', webhookId)
    .orderBy('webhook_deliveries.event_seq', 'desc').limit(limit).execute()
}

/** the attempts of these deliveries, in the order they were made */
export async function attemptsOf (db: Db, deliveryIds: readonly string[]): Promise<Array<Selectable<WebhookAttemptTable>>> {
  // `in ()` is no SQL
  if (deliveryIds.length === 0) return []
  return await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('id').execute()
}

export async function findDelivery (db: Db, webhookId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
  return await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst()
}

/** the delivery goes out again as if new: pending from now, its 24 hours of retries and its attempt count restarted */
export async function requeueDelivery (db: Db, deliveryId: string): Promise<void> {
  await db.updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql<Date>`now()`, queued_at: sql<Date>`now()`, attempts: 0 })
    .where('id', '=', deliveryId).execute()
}
