// Robota.ua's catalogues for the publish form (docs/boards.md, Robota.ua: Dictionaries): the cities
// a vacancy's `cityId` takes (`GET /values/citylist`, public) and the rubrics of its `rubricIds`
// (`GET /values/rubrics`, third-party). Both are the same for every employer: board scope, fetched
// through whichever account is at hand. They are asked with the account's token: clients send one
// (third-party), and a catalogue that needs none just ignores it.
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, DictionariesApi, DictionaryDefinition, DictionaryItem, DictionaryVersion, FetchedDictionary } from '../types.js'
import { boardErrorOf, decodeClaims, parsePayload, type RobotauaClient, type RobotauaCredentials } from './client.js'

const board = 'robotaua'

export const ROBOTAUA_DICTIONARIES: readonly DictionaryDefinition[] = [
  { name: 'cities', title: 'Cities', hierarchical: false, searchable: true, scope: 'board' },
  { name: 'rubrics', title: 'Rubrics', hierarchical: false, searchable: false, scope: 'board' }
]

const PATHS: Record<string, string> = {
  cities: '/values/citylist',
  rubrics: '/values/rubrics'
}

const Name = Type.Optional(Type.Union([Type.String(), Type.Null()]))
// third-party: `{id, name, nameUkr}`, `name` the Russian name and `nameUkr` the Ukrainian one; only
// these are read, anything else an item carries is left alone
const CatalogueItem = Type.Object({ id: Type.Integer(), name: Name, nameUkr: Name })
const Catalogue = Type.Array(CatalogueItem)

const headerOf = (headers: Record<string, string | string[] | undefined>, name: string): string | null => {
  const value = headers[name]
  const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
  return text === '' ? null : text
}

/**
 * The catalogue as our items: the Ukrainian name where there is one (the host's job is written in
 * Ukrainian far more often than in Russian), else the other. An id of 0 or below is no city a
 * vacancy takes (the citylist's 0 is "all Ukraine", a search filter), an item without a name
 * cannot be picked; an id seen twice keeps its first entry.
 */
export function itemsOf (catalogue: Array<{ id: number, name?: string | null, nameUkr?: string | null }>): DictionaryItem[] {
  const items = new Map<string, DictionaryItem>()
  for (const entry of catalogue) {
    const name = (entry.nameUkr ?? '').trim() !== '' ? entry.nameUkr!.trim() : (entry.name ?? '').trim()
    if (entry.id <= 0 || name === '' || items.has(String(entry.id))) continue
    items.set(String(entry.id), { id: String(entry.id), name, parentId: null })
  }
  return [...items.values()]
}

export function createRobotauaDictionaries (client: RobotauaClient): DictionariesApi<RobotauaCredentials> {
  return {
    dictionaries: ROBOTAUA_DICTIONARIES,

    async fetchDictionary (session: AccountSession<RobotauaCredentials>, _account, name, stored: DictionaryVersion | null): Promise<FetchedDictionary> {
      const path = PATHS[name]
      if (path === undefined) throw new BoardError({ board, kind: 'not_found', detail: `Robota.ua has no dictionary ${name}` })
      // nothing says Robota.ua answers conditional requests; where it sent validators, they go back
      const headers: Record<string, string> = {}
      if (stored !== null && stored.etag !== null) headers['if-none-match'] = stored.etag
      if (stored !== null && stored.lastModified !== null) headers['if-modified-since'] = stored.lastModified
      const { response, token } = await client.send(session, { method: 'GET', path, headers })
      if (response.status === 304 && stored !== null) return { notModified: true }
      if (response.status < 200 || response.status >= 300) {
        throw boardErrorOf(response, decodeClaims(token), [session.credentials.current().password, token])
      }
      const items = itemsOf(parsePayload(Catalogue, response.body, `${name} (GET ${path})`))
      if (items.length === 0) throw new BoardError({ board, kind: 'bad_response', detail: `Robota.ua sent an empty ${name} catalogue (GET ${path})` })
      return {
        notModified: false,
        items,
        version: { etag: headerOf(response.headers, 'etag'), lastModified: headerOf(response.headers, 'last-modified') }
      }
    }
  }
}
