// Bearer API keys. Routes under /v1 need a key: a tenant key by default, an admin key where the
// route says `config: { auth: 'admin' }`. The principal is on request.principal; services take
// the tenant id from it, so a tenant only ever sees its own rows.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { forbidden, unauthorized } from '../errors.js'
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

export default fp(async function auth (app: FastifyInstance, { admin }: { admin: AdminService }) {
  app.decorateRequest('principal', undefined)

  app.addHook('onRequest', async request => {
    const url = request.routeOptions.url
    if (url === undefined || !url.startsWith('/v1/')) return
    const needed: RouteAuth = request.routeOptions.config.auth ?? 'tenant'
    if (needed === 'none') return

    const token = bearerToken(request)
    if (token === undefined) throw unauthorized('send an API key as "Authorization: Bearer <key>"')
    const principal = await admin.authenticate(token)
    if (principal === undefined) throw unauthorized('the API key is unknown or revoked')
    request.principal = principal
    request.log = request.log.child({ keyId: principal.keyId, tenantId: principal.role === 'tenant' ? principal.tenantId : undefined })

    if (needed === 'admin' && principal.role !== 'admin') throw forbidden('this route needs an admin key')
    if (needed === 'tenant' && principal.role !== 'tenant') throw forbidden('this route needs a tenant key; admin keys manage tenants only')
  })
}, { name: 'auth' })
