import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'

/** the path of a dictionary: `names` are every board's dictionary names (which of them a board has, its listing says) */
export const dictionaryParams = (names: readonly string[]) => Type.Object({
  id: Uuid(),
  name: Type.Enum([...names], { description: "the dictionary's name, as GET /v1/integrations/{id}/dictionaries lists it and a field's `x-dictionary` names it (each board has some of these)" })
})

export const DictionarySchema = Type.Object({
  name: Type.String({ description: 'as in the URL, and in `x-dictionary` of the board\'s publicationFields' }),
  title: Type.String(),
  hierarchical: Type.Boolean({ description: 'items have parents (regions → cities): `parentId` narrows a listing' }),
  searchable: Type.Boolean({ description: 'long: search it by name (`q`) rather than listing it whole' }),
  scope: Type.Enum(['board', 'account'], { description: 'board: the same for every account of the board, stored and refreshed daily; account: this account\'s own (e.g. its addresses), cached briefly' })
})

export const DictionaryListSchema = Type.Object({ items: Type.Array(DictionarySchema) })
export type DictionaryListView = Static<typeof DictionaryListSchema>

export const DictionaryItemsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'search by name: case, accents and apostrophes do not matter ("київ" finds "Київ"); matches anywhere in the name, the whole name first, then its start, then the start of a word' })),
  parentId: Type.Optional(Type.String({ maxLength: 200, description: 'only the children of this item; empty (`parentId=`) = only the top level' })),
  after: Type.Optional(Type.String({ maxLength: 200, description: 'the nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })
export type DictionaryItemsQuery = Static<typeof DictionaryItemsQuery>

export const DictionaryItemSchema = Type.Object({
  id: Type.String({ description: 'the board\'s id, as the publication field takes it' }),
  name: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()])
})

export const DictionaryPageSchema = Type.Object({
  items: Type.Array(DictionaryItemSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `after` to get the next page; null on the last page' }),
  fetchedAt: Timestamp('when the board gave this version of the dictionary'),
  checkedAt: Timestamp('when the board last confirmed it (the `Age` header counts from here): an old one means the board could not be asked since')
})
export type DictionaryPageView = Static<typeof DictionaryPageSchema>

export const PublicationTypeSchema = Type.Object({
  id: Type.String({ description: 'the `publicationType` of a publication' }),
  name: Type.String(),
  paid: Type.Boolean({ description: 'spends a paid publication of the account' }),
  remaining: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'paid publications of this type left on the account; null where the board does not say' })
})

export const PublicationTypesSchema = Type.Object({
  items: Type.Array(PublicationTypeSchema),
  checkedAt: Timestamp('when the board was asked for the counts (they are kept for PUBLICATION_TYPES_CACHE_SECONDS; older when the board could not be asked)')
})
export type PublicationTypesView = Static<typeof PublicationTypesSchema>
