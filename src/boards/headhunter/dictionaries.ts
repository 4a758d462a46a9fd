// hh's catalogues the publication fields take their ids from (fields.ts `x-dictionary`), all the
// same for every account: areas (`GET /areas`, a tree of countries, regions and cities),
// professional roles (`GET /professional_roles`, roles grouped in categories: a flat list of
// roles, since a vacancy takes a role) and the field dictionaries of `GET /dictionaries`
// (experience, employment_form, work_format, work_schedule_by_days, working_hours). hh gives no
// ETag for them, so each refresh is a whole fetch (the dictionaries module does it at most daily).
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { AccountSession, DictionariesApi, DictionaryDefinition, DictionaryItem } from '../types.js'
import { parsePayload, type HeadHunterClient } from './client.js'
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
  ...Object.entries(FIELD_DICTIONARIES).map(([name, title]) => ({ name, title, hierarchical: false, searchable: false, scope: 'board' as const }))
]

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

export function createHeadHunterDictionaries (client: HeadHunterClient): DictionariesApi<HeadHunterCredentials> {
  async function fetchItems (session: AccountSession<HeadHunterCredentials>, name: string): Promise<DictionaryItem[]> {
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
    async fetchDictionary (session, _account, name) {
      return { notModified: false, items: await fetchItems(session, name), version: { etag: null, lastModified: null } }
    }
  }
}
