// INTERIM (issue 15 in progress): the parts of the board contract a board has not implemented
// yet. Every use is replaced by the board's own implementation, and this file is deleted, before
// the issue is done.
import { BoardError } from './errors.js'
import type { BoardId, DictionariesApi, MappedFields, PostingInput } from './types.js'

export function noDictionaries (board: BoardId): DictionariesApi<unknown> {
  return {
    dictionaries: [],
    async fetchDictionary (_session, _account, name) {
      throw new BoardError({ board, kind: 'not_found', detail: `${board} has no dictionary ${name}` })
    }
  }
}

export async function nothingFromJob (): Promise<MappedFields> {
  return { fields: {}, problems: [] }
}

/** no preview yet: the posting as given */
export function postingAsGiven (posting: PostingInput): unknown {
  return posting
}
