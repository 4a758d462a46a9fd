import { sql, type Kysely } from 'kysely'

// Delivery errors are stable codes now (src/net/failures.ts), never a library's text: what older
// rows hold (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, "HTTP 503", a parser's message) becomes its
// code, with connection_failed for the rest, and a disabled webhook's reason likewise loses it.
// The dispatcher claims per webhook (its oldest pending deliveries, for fair slots): an index of the
// pending ones by webhook and event.
const TO_CODE = `case
  when $1 is null then null
  when $1 ~ '^HTTP ' then 'bad_status'
  when $1 in ('ECONNREFUSED') then 'connection_refused'
  when $1 ~ 'TIMEOUT|ETIMEDOUT' then 'timeout'
  when $1 in ('ENOTFOUND', 'EAI_AGAIN') then 'dns'
  when $1 ~ 'CERT|TLS|SSL' then 'tls'
  when $1 ~ '^HPE_' then 'bad_response'
  else 'connection_failed' end`

export async function up (db: Kysely<any>): Promise<void> {
  await sql.raw(`update webhook_deliveries set last_error = ${TO_CODE.replaceAll('$1', 'last_error')}
    where last_error is not null`).execute(db)
  await sql.raw(`update webhook_attempts set error = ${TO_CODE.replaceAll('$1', 'error')}
    where error is not null`).execute(db)
  await sql`update webhooks set disabled_reason = 'failing for 24 hours'
    where disabled_reason like 'failing for 24 hours (last: %'`.execute(db)
  await db.schema.createIndex('webhook_deliveries_pending_idx').on('webhook_deliveries').columns(['webhook_id', 'event_seq'])
    .where(sql.ref('status'), '=', 'pending').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_pending_idx').execute()
}
