// What a board's factory is given in the adapter tests: the board's own settings out of a loaded
// config (as the registry passes them), the shared HTTP settings, the agent pool and the board's
// request budgets (in memory unless given: one process, no database).
import type { Config } from '../../src/config.js'
import type { AgentPool } from '../../src/boards/http.js'
import type { BoardDeps, BoardId, RequestLimiter } from '../../src/boards/types.js'
import { memoryLimiter } from './memory-limiter.js'

export function boardDeps (config: Config, board: BoardId, agents: AgentPool, limiter: RequestLimiter = memoryLimiter(board)): BoardDeps<any> {
  return { settings: config.boards.settings[board], http: config.boards.http, agents, limiter }
}
