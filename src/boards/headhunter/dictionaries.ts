// hh's catalogues the publication fields take their ids from (fields.ts `x-dictionary`). The same
// for every account: areas (`GET /areas`, a tree of countries, regions and cities), professional
// roles (`GET /professional_roles`, roles grouped in categories: a flat list of roles, since a
// vacancy takes a role) and the field dictionaries of `GET /dictionaries` (experience,
// employment_form, work_format, work_schedule_by_days, working_hours). hh gives no ETag for them,
// so each refresh is a whole fetch (the dictionaries module does it at most daily). The account's
// own: the employer's saved addresses (`GET /employers/{id}/addresses`) and its managers, who may
// own a vacancy (the recruiters list), cached briefly per integration.
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, BoardAccount, DictionariesApi, DictionaryDefinition, DictionaryItem, Recruiter } from '../types.js'
import { HhPage, parsePayload, Text, type HeadHunterClient } from './client.js'
import type { HeadHunterCredentials } from './oauth.js'

const board = 'headhunter'

/** the field dictionaries read from `GET /dictionaries` */
const FIELD_DICTIONARIES: Record<string, string> = {
  experience: 'Experience required',
  employment_form: 'Employment forms',
  work_format: 'Work formats',
  work_schedule_by_days: 'Working days schedules',
  working_hours: 'Working hours a day'
}

export const HH_DICTIONARIES: readonly DictionaryDefinition[] = [
  { name: 'areas', title: 'Areas (countries, regions, cities)', hierarchical: true, searchable: true, scope: 'board' },
  { name: 'professional_roles', title: 'Professional roles', hierarchical: false, searchable: true, scope: 'board' },
  ...Object.entries(FIELD_DICTIONARIES).map(([name, title]) => ({ name, title, hierarchical: false, searchable: false, scope: 'board' as const })),
  { name: 'addresses', title: 'The employer\'s saved addresses', hierarchical: false, searchable: true, scope: 'account' },
  { name: 'managers', title: 'The employer\'s managers (who may own a vacancy)', hierarchical: false, searchable: true, scope: 'account' }
]

// hh's spec: per_page defaults to and may be at most 10,000 addresses
const ADDRESSES_PER_PAGE = 10_000
// a guard against a board that keeps saying "more pages"
const MAX_ADDRESS_PAGES = 20

// EmployerAddressesEmployerAddressItem: only `city`, `lat` and `lng` are required; the rest is read when there
const AddressItem = Type.Object({
  id: Type.Optional(Type.String()),
  raw: Type.Optional(Text),
  city: Type.Optional(Text),
  street: Type.Optional(Text),
  building: Type.Optional(Text),
  deleted: Type.Optional(Type.Boolean())
})
const AddressesPage = HhPage(AddressItem)

/** "Москва, Тверская улица, 7": hh's own full address, else its parts */
const addressName = (item: { raw?: string | null, city?: string | null, street?: string | null, building?: string | null }): string => {
  const raw = item.raw?.trim() ?? ''
  if (raw !== '') return raw
  return [item.city, item.street, item.building].map(part => part?.trim() ?? '').filter(part => part !== '').join(', ')
}

// DictionariesAreaResponse: nested `areas`, ids as strings; each level checked as it is walked
const AreaLevel = Type.Array(Type.Object({
  id: Type.String({ minLength: 1 }),
  name: Type.String(),
  areas: Type.Optional(Type.Array(Type.Unknown()))
}))
// hh's tree is country → region → city → district; deeper is not an area list we know
const MAX_AREA_DEPTH = 8

const RolesSchema = Type.Object({
  categories: Type.Array(Type.Object({
    roles: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String() }))
  }))
})

const FieldDictionariesSchema = Type.Record(Type.String(), Type.Unknown())
const FieldItems = Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String() }))

function flattenAreas (level: unknown, parentId: string | null, into: Map<string, DictionaryItem>, depth = 0): void {
  if (depth > MAX_AREA_DEPTH) return
  for (const node of parsePayload(AreaLevel, level, 'areas (GET /areas)')) {
    if (!into.has(node.id)) into.set(node.id, { id: node.id, name: node.name.trim(), parentId })
    flattenAreas(node.areas ?? [], node.id, into, depth + 1)
  }
}

interface AccountCatalogues {
  /** the managers a vacancy may be given to: the account's recruiters (every manager, or itself alone without admin rights) */
  managers: (session: AccountSession<HeadHunterCredentials>) => Promise<Recruiter[]>
}

export function createHeadHunterDictionaries (client: HeadHunterClient, account: AccountCatalogues): DictionariesApi<HeadHunterCredentials> {
  /** the employer's addresses that are not deleted, page by page */
  async function addresses (session: AccountSession<HeadHunterCredentials>, employer: BoardAccount): Promise<DictionaryItem[]> {
    const path = `/employers/${encodeURIComponent(employer.externalId)}/addresses`
    const items = new Map<string, DictionaryItem>()
    for (let page = 0; page < MAX_ADDRESS_PAGES; page++) {
      const body = await client.getJson(session, path, AddressesPage, 'addresses (GET /employers/{id}/addresses)', { page, per_page: ADDRESSES_PER_PAGE })
      for (const item of body.items) {
        // an address without an id cannot be given to a vacancy
        if (item.deleted === true || item.id === undefined || item.id === '' || items.has(item.id)) continue
        items.set(item.id, { id: item.id, name: addressName(item) || item.id, parentId: null })
      }
      if (page + 1 >= body.pages) break
    }
    return [...items.values()]
  }

  async function fetchItems (session: AccountSession<HeadHunterCredentials>, employer: BoardAccount, name: string): Promise<DictionaryItem[]> {
    if (name === 'addresses') return await addresses(session, employer)
    if (name === 'managers') {
      return (await account.managers(session)).map(manager => ({ id: manager.externalId, name: manager.name, parentId: null }))
    }
    if (name === 'areas') {
      const items = new Map<string, DictionaryItem>()
      flattenAreas((await client.call(session, { method: 'GET', path: '/areas' })).body, null, items)
      return [...items.values()]
    }
    if (name === 'professional_roles') {
      const body = await client.getJson(session, '/professional_roles', RolesSchema, 'professional roles (GET /professional_roles)')
      // a role may sit in several categories: listed once
      const items = new Map<string, DictionaryItem>()
      for (const category of body.categories) for (const role of category.roles) if (!items.has(role.id)) items.set(role.id, { id: role.id, name: role.name.trim(), parentId: null })
      return [...items.values()]
    }
    if (name in FIELD_DICTIONARIES) {
      const all = await client.getJson(session, '/dictionaries', FieldDictionariesSchema, 'field dictionaries (GET /dictionaries)')
      const list = parsePayload(FieldItems, all[name] ?? [], `dictionary ${name} (GET /dictionaries)`)
      return list.map(item => ({ id: item.id, name: item.name.trim(), parentId: null }))
    }
    throw new BoardError({ board, kind: 'not_found', detail: `HeadHunter has no dictionary ${name} (it has ${HH_DICTIONARIES.map(d => d.name).join(', ')})` })
  }

  return {
    dictionaries: HH_DICTIONARIES,
    async fetchDictionary (session, employer, name) {
      return { notModified: false, items: await fetchItems(session, employer, name), version: { etag: null, lastModified: null } }
    }
  }
}
