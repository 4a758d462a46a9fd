// What a tenant is told about a failed call to a URL it gave: a stable code, never the library's
// text. Raw messages (an SSH banner's parse error, ECONNREFUSED against a port) tell a prober what
// listens where; the codes say only as much as the tenant needs to fix its endpoint.

export const OUTBOUND_FAILURES = [
  'blocked_address', // the policy refused the address (OUTBOUND_ALLOW)
  'dns', // the name does not resolve
  'connection_refused',
  'connection_failed', // reset, unreachable, closed early
  'timeout', // no connection, no answer, or not all of it within the deadline
  'tls', // the handshake or the certificate failed
  'bad_response', // not HTTP
  'bad_status', // an HTTP status other than 2xx (the status is shown beside the code)
  'too_large' // the answer was longer than the cap (the connection was dropped)
] as const
export type OutboundFailure = typeof OUTBOUND_FAILURES[number]

/** an error of ours that already knows its code (the size cap) */
export class OutboundFailureError extends Error {
  constructor (readonly failure: OutboundFailure, message: string) { super(message) }
}

function codesOf (error: unknown): string[] {
  const codes: string[] = []
  // undici wraps the socket's error; a DOMException of an aborted signal has only a name
  for (let e = error as { code?: unknown, name?: unknown, cause?: unknown } | undefined, depth = 0; e !== undefined && e !== null && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code)
    if (typeof e.name === 'string') codes.push(e.name)
  }
  return codes
}

/** the stable code of an error thrown by an outbound call */
export function outboundFailure (error: unknown): OutboundFailure {
  if (error instanceof OutboundFailureError) return error.failure
  const codes = codesOf(error)
  const has = (test: (code: string) => boolean) => codes.some(test)
  if (has(c => c === 'BLOCKED_ADDRESS')) return 'blocked_address'
  if (has(c => c === 'TimeoutError' || c === 'ETIMEDOUT' || /^UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT$/.test(c))) return 'timeout'
  if (has(c => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'].includes(c))) return 'dns'
  if (has(c => c === 'ECONNREFUSED')) return 'connection_refused'
  if (has(c => /CERT|TLS|SSL|DEPTH_ZERO|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(c))) return 'tls'
  if (has(c => c.startsWith('HPE_') || c === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || c === 'HTTPParserError')) return 'bad_response'
  if (has(c => c === 'UND_ERR_HEADERS_OVERFLOW')) return 'too_large'
  return 'connection_failed'
}
