// The route table the HeadHunter fake's modules add their routes to, and hh's paging (`page`,
// `per_page`; answers `{ items, found, page, pages, per_page }`).
import type { FakeRequest } from '../fake-server.js'
import type { Auth } from './oauth.js'
import type { HeadHunterState, Reply } from './state.js'

export type Handler = (req: FakeRequest, params: string[], auth: Auth) => Reply | Promise<Reply>
export interface Route { method: string, pattern: RegExp, handler: Handler }
/** adds a route; `{name}` segments become the handler's params, in order */
export type On = (method: string, path: string, handler: Handler) => void

export function routeTable (): { routes: Route[], on: On } {
  const routes: Route[] = []
  const on: On = (method, path, handler) => {
    routes.push({ method, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`), handler })
  }
  return { routes, on }
}

export const query = (req: FakeRequest, name: string): string | undefined => req.query.get(name) ?? undefined

export function pageParams (state: HeadHunterState, req: FakeRequest, def: number, max: number): { page: number, perPage: number } | Reply {
  const page = Number(query(req, 'page') ?? 0)
  const perPage = Number(query(req, 'per_page') ?? def)
  if (!Number.isInteger(page) || page < 0) return state.badArgument('page')
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > max) return state.badArgument('per_page')
  return { page, perPage }
}

export const paged = <T>(all: T[], page: number, perPage: number): { items: T[], found: number, page: number, pages: number, per_page: number } => ({
  items: all.slice(page * perPage, page * perPage + perPage),
  found: all.length,
  page,
  pages: Math.ceil(all.length / perPage),
  per_page: perPage
})
