// Every board jobsync speaks to, in one list. A new board is one folder under src/boards/ (its
// index.ts exports its definition) and one line here; the board ids, their schema, their names and
// the boards' part of the environment are all derived from this list.
import { Type, type Static, type TObject } from 'typebox'
import { djinni } from './djinni/index.js'
import { headhunter } from './headhunter/index.js'
import { robotaua } from './robotaua/index.js'
import { sandbox } from './sandbox/index.js'
import { workua } from './workua/index.js'
import type { BoardAdapter, BoardDefinition, BoardImplementation, BoardShared } from './types.js'
import { withOperations } from './operation.js'
import { boardTurnedOff } from './errors.js'
import type { AppError } from '../errors.js'

export const BOARDS = [djinni, workua, robotaua, headhunter, sandbox] as const

export type BoardId = typeof BOARDS[number]['id']
export const BOARD_IDS: readonly BoardId[] = BOARDS.map(board => board.id)

const listed = (ids: readonly string[]) => `${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1]}`
export const BoardIdSchema = Type.Enum([...BOARD_IDS], { description: listed(BOARD_IDS) })

const definitions = new Map<string, BoardDefinition>(BOARDS.map(board => [board.id, board]))

/** the definition of a board by id; undefined for an id that is not a board (e.g. a stored row of a removed board) */
export function boardDefinition (id: string): BoardDefinition | undefined {
  return definitions.get(id)
}

/** the board's display name ("Work.ua"); the id itself for an unknown board */
export function boardName (id: string): string {
  return definitions.get(id)?.name ?? id
}

/** the environment variables of every board, for config.ts's schema */
export function boardEnvProperties (): TObject['properties'] {
  return Object.assign({}, ...BOARDS.map(board => board.env.properties)) as TObject['properties']
}

/** each board's own settings, typed by its env schema */
export type BoardSettings = { readonly [B in typeof BOARDS[number] as B['id']]: Static<B['env']> }

/** what the registry is built from: the shared settings and each board's own (validated by config.ts) */
export interface BoardsConfig {
  http: BoardShared['http']
  settings: BoardSettings
}

/**
 * A board ready to use: the definition's facts over what its factory built, each method run as a
 * named operation (for the board request metrics). Throws when the
 * implementation contradicts the capabilities the board claims, so a wrong claim fails at start.
 */
export function assembleBoard (definition: BoardDefinition, implementation: BoardImplementation): BoardAdapter {
  const claims: Array<[string, boolean, string, boolean]> = [
    ['resumeFiles', definition.capabilities.resumeFiles, 'openResume', implementation.openResume !== undefined],
    ['photoFiles', definition.capabilities.photoFiles, 'openPhoto', implementation.openPhoto !== undefined],
    ['reopen = same_posting', definition.capabilities.reopen === 'same_posting', 'reactivate', implementation.reactivate !== undefined],
    ['extend', definition.capabilities.extend, 'extend', implementation.extend !== undefined]
  ]
  for (const [capability, claimed, method, implemented] of claims) {
    if (claimed !== implemented) {
      throw new Error(`board ${definition.id}: capabilities.${capability} is ${String(claimed)} but ${method} is ${implemented ? '' : 'not '}implemented`)
    }
  }
  const dictionaries = new Set(implementation.dictionaries.map(d => d.name))
  for (const [field, schema] of Object.entries(implementation.publicationFields.properties)) {
    // on the field, or on its items for a list of ids
    const { 'x-dictionary': own, items } = schema as { 'x-dictionary'?: unknown, items?: { 'x-dictionary'?: unknown } }
    const named = own ?? items?.['x-dictionary']
    if (named !== undefined && !dictionaries.has(String(named))) {
      throw new Error(`board ${definition.id}: field ${field} takes its ids from dictionary ${String(named)}, which the board does not list`)
    }
  }
  const oauth = definition.auth === 'oauth2'
  if (oauth !== (implementation.authorizeUrl !== undefined)) {
    throw new Error(`board ${definition.id}: an ${definition.auth} board ${oauth ? 'needs' : 'has no'} authorizeUrl`)
  }
  return {
    ...withOperations(implementation),
    id: definition.id as BoardId,
    name: definition.name,
    auth: definition.auth,
    syncIntervalMinutes: definition.syncIntervalMinutes,
    capabilities: definition.capabilities
  }
}

/** the boards by id; looked up by a stored row's board too, hence any string */
export type BoardRegistry = ReadonlyMap<string, BoardAdapter>

/**
 * A board this process knows but was built without (the sandbox with SANDBOX_ENABLED=false): the
 * problem that says it is turned off, to throw; undefined when the board is there, or unknown.
 */
export function turnedOff (boards: BoardRegistry, board: string): AppError | undefined {
  const definition = boards.has(board) ? undefined : boardDefinition(board)
  return definition === undefined ? undefined : boardTurnedOff(definition.name)
}

/** who is told of every board request and credential renewal: the metrics */
export interface BoardObservers {
  request: NonNullable<BoardShared['http']['observe']>
  tokenRefresh: NonNullable<BoardShared['onTokenRefresh']>
}

/** every board, each built from its own settings only, with its own request budgets (`limiterFor`) */
export function createBoardRegistry ({ config, agents, limiterFor, observers }: { config: BoardsConfig, agents: BoardShared['agents'], limiterFor: (board: BoardId) => BoardShared['limiter'], observers?: BoardObservers }): BoardRegistry {
  const http = { ...config.http, observe: observers?.request }
  return new Map(BOARDS.map(board => {
    const settings = (config.settings as Record<string, Record<string, unknown>>)[board.id]
    const implementation = board.create({ settings: settings as never, http, agents, limiter: limiterFor(board.id), onTokenRefresh: observers?.tokenRefresh })
    return [board.id, assembleBoard(board, implementation)]
  }))
}
