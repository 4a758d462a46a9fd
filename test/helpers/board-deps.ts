// What a board's factory is given in the adapter tests: the board's own settings out of a loaded
// config (as the registry passes them), the shared HTTP settings and the agent pool.
import type { Config } from '../../src/config.js'
import type { AgentPool } from '../../src/boards/http.js'
import type { BoardDeps, BoardId } from '../../src/boards/types.js'

export function boardDeps (config: Config, board: BoardId, agents: AgentPool): BoardDeps<any> {
  return { settings: config.boards.settings[board], http: config.boards.http, agents }
}
