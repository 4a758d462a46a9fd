// Work.ua's catalogues for the publish form: `GET /dictionaries/{name}` for town, category, jobtype,
// experience, education and publication_type (docs/boards.md, Work.ua: Publishing). They are the
// same for every employer, so each is fetched once through any account and shared (scope 'board').
// What is known of their format is `{id, name}` items in the usual `{status:"ok", items}` wrapper:
// no parent (so no catalogue is a tree, towns included: nothing says which oblast a town is in), and
// no ETag or Last-Modified is known, so no conditional request is made and every refresh brings
// the whole catalogue (they are small).
import { Type } from 'typebox'
import { BoardError } from '../errors.js'
import type { DictionariesApi, DictionaryDefinition, DictionaryItem } from '../types.js'
import { parsePayload, type WorkuaClient, type WorkuaCredentials } from './client.js'

const board = 'workua'

export const WORKUA_DICTIONARY_NAMES = ['town', 'category', 'jobtype', 'experience', 'education', 'publication_type'] as const
export type WorkuaDictionaryName = typeof WORKUA_DICTIONARY_NAMES[number]

// towns run to hundreds and are looked up by name; the others are short lists shown whole
export const workuaDictionaries: readonly DictionaryDefinition[] = [
  { name: 'town', title: 'Towns (where the job is)', hierarchical: false, searchable: true, scope: 'board' },
  { name: 'category', title: 'Categories of jobs', hierarchical: false, searchable: false, scope: 'board' },
  { name: 'jobtype', title: 'Types of employment (full-time, part-time, remote…)', hierarchical: false, searchable: false, scope: 'board' },
  { name: 'experience', title: 'Experience required', hierarchical: false, searchable: false, scope: 'board' },
  { name: 'education', title: 'Education required', hierarchical: false, searchable: false, scope: 'board' },
  { name: 'publication_type', title: 'Publication types', hierarchical: false, searchable: false, scope: 'board' }
]

// numeric ids (one third-party client saw ids of Work.ua's lists as strings), except the
// publication types' (`standart_job`); any other property of an item is not read
const NumericId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]{0,14}$' })])
const TextId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' })
const Name = Type.String({ minLength: 1, maxLength: 500 })
const NumericList = Type.Object({ status: Type.Literal('ok'), items: Type.Array(Type.Object({ id: NumericId, name: Name })) })
const TextList = Type.Object({ status: Type.Literal('ok'), items: Type.Array(Type.Object({ id: TextId, name: Name })) })

const isWorkuaDictionary = (name: string): name is WorkuaDictionaryName => (WORKUA_DICTIONARY_NAMES as readonly string[]).includes(name)

export function createWorkuaDictionaries (client: WorkuaClient): DictionariesApi<WorkuaCredentials> {
  return {
    dictionaries: workuaDictionaries,

    async fetchDictionary (session, _account, name): Promise<{ notModified: false, items: DictionaryItem[], version: { etag: null, lastModified: null } }> {
      if (!isWorkuaDictionary(name)) throw new BoardError({ board, kind: 'not_found', detail: `Work.ua has no dictionary ${name} (it has ${WORKUA_DICTIONARY_NAMES.join(', ')})` })
      const res = await client.call(session, { method: 'GET', path: `/dictionaries/${name}` })
      const what = `dictionary ${name} (GET /dictionaries/${name})`
      const list = name === 'publication_type' ? parsePayload(TextList, res.body, what) : parsePayload(NumericList, res.body, what)
      // one item per id (the first), names as shown without the blanks around them
      const items = new Map<string, DictionaryItem>()
      for (const item of list.items) {
        const id = String(item.id)
        const text = item.name.trim()
        if (text !== '' && !items.has(id)) items.set(id, { id, name: text, parentId: null })
      }
      return { notModified: false, items: [...items.values()], version: { etag: null, lastModified: null } }
    }
  }
}
