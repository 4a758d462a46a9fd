// Webhook signatures, as Standard Webhooks (standardwebhooks.com) says: `webhook-id` (the event's
// id: the same on every retry, so the receiver can drop repeats), `webhook-timestamp` (seconds) and
// `webhook-signature: v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, keyed with the
// base64-decoded bytes of the `whsec_<base64>` secret. Any Standard Webhooks library verifies it.
//
// Webhooks made before that signed with the whole secret string as the key and sent `v1=<base64>`.
// Their hosts verify with that recipe, so such a webhook keeps the `legacy` scheme until its secret
// is rotated; a rotated or new secret signs the standard way.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SIGNING_SCHEMES = ['standard', 'legacy'] as const
export type SigningScheme = typeof SIGNING_SCHEMES[number]

const PREFIX = 'whsec_'
// 32 bytes, as long as a SHA-256 digest (the specification asks for 24 to 64)
const SECRET_BYTES = 32

/** a new signing secret: `whsec_` and the standard base64 of random bytes (those bytes are the key) */
export function newSecret (): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

function keyOf (scheme: SigningScheme, secret: string): Buffer | string {
  if (scheme === 'legacy') return secret
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
}

/** the webhook-signature header of a delivery */
export function sign (scheme: SigningScheme, secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', keyOf(scheme, secret)).update(`${id}.${timestamp}.${body}`).digest('base64')
  return (scheme === 'legacy' ? 'v1=' : 'v1,') + digest
}

/**
 * What a receiver does: recompute, compare in constant time with each signature the header lists
 * (space-separated), refuse stale timestamps.
 */
export function verify (
  secret: string, headers: { id: string, timestamp: string, signature: string }, body: string,
  { scheme = 'standard', toleranceSeconds = 300, now = Date.now() }: { scheme?: SigningScheme, toleranceSeconds?: number, now?: number } = {}
): boolean {
  const timestamp = Number(headers.timestamp)
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(sign(scheme, secret, headers.id, timestamp, body))
  return headers.signature.split(' ').some(one => {
    const given = Buffer.from(one)
    return expected.length === given.length && timingSafeEqual(expected, given)
  })
}
