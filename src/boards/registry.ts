// Every board jobsync speaks to. A new board is one folder under src/boards/ and one line here.
import { createDjinniAdapter } from './djinni/adapter.js'
import { createHeadHunterAdapter } from './headhunter/adapter.js'
import { createRobotauaAdapter } from './robotaua/adapter.js'
import { createSandboxAdapter } from './sandbox/adapter.js'
import { createWorkuaAdapter } from './workua/adapter.js'
import type { BoardAdapter, BoardDeps, BoardId } from './types.js'

export type BoardRegistry = ReadonlyMap<BoardId, BoardAdapter>

export function createBoardRegistry (deps: BoardDeps): BoardRegistry {
  const adapters: BoardAdapter[] = [
    createDjinniAdapter(deps),
    createWorkuaAdapter(deps),
    createRobotauaAdapter(deps),
    createHeadHunterAdapter(deps),
    createSandboxAdapter()
  ]
  return new Map(adapters.map(adapter => [adapter.id, adapter]))
}
