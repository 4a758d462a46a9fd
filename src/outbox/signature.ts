// Webhook signatures: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the webhook's secret, sent as
// `webhook-signature: v1=<base64>` beside `webhook-id` and `webhook-timestamp` (seconds). The id is
// the event's id: the same on every retry, so the receiver can drop repeats.
import { createHmac, timingSafeEqual } from 'node:crypto'

export function sign (secret: string, id: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')
}

/** what a receiver does: recompute, compare in constant time, refuse stale timestamps */
export function verify (secret: string, headers: { id: string, timestamp: string, signature: string }, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const timestamp = Number(headers.timestamp)
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(sign(secret, headers.id, timestamp, body))
  const given = Buffer.from(headers.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
