// Bearer API keys. Routes under /v1 need a key: a tenant key by default, an admin key where the
// route says `config: { auth: 'admin' }`. The principal is on request.principal; services take
// the tenant id from it, so a tenant only ever sees its own rows.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import { AppError, forbidden, unauthorized } from '../errors.js'
import { keyPrefix } from '../crypto/api-keys.js'
import { createAuthLimiter, type AuthLimiterOptions } from './auth-limiter.js'
import type { AdminService, Principal } from '../modules/admin/service.js'

export type RouteAuth = 'tenant' | 'admin' | 'none'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    principal: Principal | undefined
  }
}

/** the tenant id of a request that passed tenant auth */
export function tenantOf (request: FastifyRequest): string {
  const principal = request.principal
  if (principal?.role !== 'tenant') throw forbidden('a tenant API key is required')
  return principal.tenantId
}

function bearerToken (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Keys that passed, remembered for a moment: without it every request waits for a database round
 * trip before its own work (a third of a feed page's time). A revocation made through this process
 * empties it at once (any admin write does); another replica's takes effect within the TTL.
 */
export const AUTH_CACHE_TTL_MS = 2_000
const AUTH_CACHE_MAX = 10_000

function createPrincipalCache (ttlMs: number) {
  const entries = new Map<string, { principal: Principal, until: number }>()
  // keyed by a hash: the keys themselves are not kept in memory
  const slot = (token: string) => createHash('sha256').update(token).digest('base64url')
  return {
    get (token: string): Principal | undefined {
      const key = slot(token)
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.until > Date.now()) return entry.principal
      entries.delete(key)
      return undefined
    },
    set (token: string, principal: Principal): void {
      if (entries.size >= AUTH_CACHE_MAX) entries.clear()
      entries.set(slot(token), { principal, until: Date.now() + ttlMs })
    },
    clear (): void { entries.clear() }
  }
}

function tooManyFailures (waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return new AppError({
    code: 'JOBSYNC_ERR_RATE_LIMITED',
    status: 429,
    title: 'Too many failed authentications',
    detail: `too many requests with a missing or wrong API key from this address or for this key; try again in ${seconds} s`,
    extensions: { retryAfterSeconds: seconds }
  })
}

export interface AuthOptions {
  admin: AdminService
  cacheTtlMs?: number
  /** the budget of failed authentications per client address and per key prefix */
  failures: Pick<AuthLimiterOptions, 'max' | 'windowMs'>
}

export default fp(async function auth (app: FastifyInstance, { admin, cacheTtlMs = AUTH_CACHE_TTL_MS, failures }: AuthOptions) {
  app.decorateRequest('principal', undefined)
  const cache = createPrincipalCache(cacheTtlMs)
  const limiter = createAuthLimiter(failures)

  // an admin write may revoke a key or remove a tenant: nothing remembered survives it (cleared
  // once the change is made, before the caller hears it is done)
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.principal?.role === 'admin' && request.method !== 'GET' && request.method !== 'HEAD') cache.clear()
    return payload
  })

  app.addHook('onRequest', async request => {
    const url = request.routeOptions.url
    if (url === undefined || !url.startsWith('/v1/')) return
    const needed: RouteAuth = request.routeOptions.config.auth ?? 'tenant'
    if (needed === 'none') return

    const token = bearerToken(request)
    // the visible part of the key: not a secret, it tells keys apart in the logs (a failed one too)
    const prefix = token === undefined ? undefined : keyPrefix(token)
    // one child logger per request: with the prefix alone when the key is refused, with the key's id
    // and tenant as well when it passes
    const refused = (error: unknown): unknown => {
      if (prefix !== undefined) request.log = request.log.child({ keyPrefix: prefix })
      return error
    }
    const waitMs = limiter.waitMs(request.ip, prefix, token)
    if (waitMs > 0) throw refused(tooManyFailures(waitMs))
    if (token === undefined) {
      limiter.failed(request.ip, undefined, undefined)
      throw refused(unauthorized('send an API key as "Authorization: Bearer <key>"'))
    }
    let principal = cacheTtlMs > 0 ? cache.get(token) : undefined
    if (principal === undefined) {
      // a database that does not answer is logged with the prefix too
      principal = await admin.authenticate(token).catch((error: unknown) => { throw refused(error) })
      if (principal === undefined) {
        limiter.failed(request.ip, prefix, token)
        throw refused(unauthorized('the API key is unknown or revoked'))
      }
      limiter.passed(token)
      if (cacheTtlMs > 0) cache.set(token, principal)
    }
    request.principal = principal
    request.log = request.log.child({ keyPrefix: prefix, keyId: principal.keyId, tenantId: principal.role === 'tenant' ? principal.tenantId : undefined })

    if (needed === 'admin' && principal.role !== 'admin') throw forbidden('this route needs an admin key')
    if (needed === 'tenant' && principal.role !== 'tenant') throw forbidden('this route needs a tenant key; admin keys manage tenants only')
  })
}, { name: 'auth' })
