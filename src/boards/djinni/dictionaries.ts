// Djinni's catalogues for the publish form: the categories a job's `category` takes and the
// experience levels of its `experience_years`. Djinni's employer API is private, so the calls are the
// ASSUMED CONTRACT of docs/boards.md (Djinni: Dictionaries) and test/fakes/djinni.ts:
// `GET /dictionaries/categories/` and `GET /dictionaries/experience/` → a JSON array `[{id, name}]`,
// with an ETag that a later `If-None-Match` turns into a 304. The same for every account: board scope.
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, DictionariesApi, DictionaryDefinition, DictionaryItem, DictionaryVersion, FetchedDictionary } from '../types.js'
import { boardErrorOf, parsePayload, type DjinniClient, type DjinniCredentials } from './client.js'

const board = 'djinni'

export const DJINNI_DICTIONARIES: readonly DictionaryDefinition[] = [
  { name: 'categories', title: 'Categories', hierarchical: false, searchable: true, scope: 'board' },
  { name: 'experience', title: 'Experience (years)', hierarchical: false, searchable: false, scope: 'board' }
]

const PATHS: Record<string, string> = {
  categories: '/dictionaries/categories/',
  experience: '/dictionaries/experience/'
}

// assumed contract: a category's id is a string ("JavaScript"), an experience level's a number of years
const CatalogueItem = Type.Object({
  id: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer({ minimum: 0 })]),
  name: Type.String()
})
const Catalogue = Type.Array(CatalogueItem)

const headerOf = (headers: Record<string, string | string[] | undefined>, name: string): string | null => {
  const value = headers[name]
  const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
  return text === '' ? null : text
}

/** the catalogue as our items: blank names left out, an id seen twice kept once */
function itemsOf (catalogue: Array<{ id: string | number, name: string }>): DictionaryItem[] {
  const items = new Map<string, DictionaryItem>()
  for (const entry of catalogue) {
    const id = String(entry.id)
    const name = entry.name.trim()
    if (name !== '' && !items.has(id)) items.set(id, { id, name, parentId: null })
  }
  return [...items.values()]
}

export function createDjinniDictionaries (client: DjinniClient): DictionariesApi<DjinniCredentials> {
  return {
    dictionaries: DJINNI_DICTIONARIES,

    async fetchDictionary (session: AccountSession<DjinniCredentials>, _account, name, stored: DictionaryVersion | null): Promise<FetchedDictionary> {
      const path = PATHS[name]
      if (path === undefined) throw new BoardError({ board, kind: 'not_found', detail: `Djinni has no dictionary ${name}` })
      const headers: Record<string, string> = {}
      if (stored !== null && stored.etag !== null) headers['if-none-match'] = stored.etag
      if (stored !== null && stored.lastModified !== null) headers['if-modified-since'] = stored.lastModified
      const res = await client.send(session, { method: 'GET', path, headers })
      if (res.status === 304 && stored !== null) return { notModified: true }
      if (res.status < 200 || res.status >= 300) throw boardErrorOf(res, [session.credentials.current().apiKey])
      const items = itemsOf(parsePayload(Catalogue, res.body, `${name} (GET ${path})`))
      if (items.length === 0) throw new BoardError({ board, kind: 'bad_response', detail: `Djinni sent an empty ${name} catalogue (GET ${path})` })
      return { notModified: false, items, version: { etag: headerOf(res.headers, 'etag'), lastModified: headerOf(res.headers, 'last-modified') } }
    }
  }
}
