// Events for the host, written to the outbox in the transaction of the change they describe, and
// fanned out at once to the tenant's webhooks that subscribe to them.
import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.js'

export const EVENT_TYPES = ['application.created', 'application.updated', 'candidate.merged', 'publication.status_changed', 'integration.failed', 'sync.failed'] as const
export type EventType = typeof EVENT_TYPES[number]

export async function emit (trx: Transaction<Database>, tenantId: string, type: EventType, subject: string, data: Record<string, unknown>): Promise<void> {
  const event = await trx.insertInto('outbox_events')
    .values({ tenant_id: tenantId, type, subject, payload: JSON.stringify(data) })
    .returning(['id']).executeTakeFirstOrThrow()
  await sql`
    insert into webhook_deliveries (webhook_id, event_seq, subject)
    select id, ${event.id}, ${subject} from webhooks
    where tenant_id = ${tenantId} and status = 'active' and ${type} = any(events)`.execute(trx)
}
