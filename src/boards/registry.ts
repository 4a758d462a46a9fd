// Every board jobsync speaks to. A new board is one folder under src/boards/ and one line here.
import { createSandboxAdapter } from './sandbox/adapter.js'
import type { BoardAdapter, BoardDeps, BoardId } from './types.js'

export type BoardRegistry = ReadonlyMap<BoardId, BoardAdapter>

export function createBoardRegistry (deps: BoardDeps): BoardRegistry {
  void deps
  const adapters: BoardAdapter[] = [
    createSandboxAdapter()
  ]
  return new Map(adapters.map(adapter => [adapter.id, adapter]))
}
