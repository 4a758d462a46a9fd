// Every fake board, in one list, as src/boards/registry.ts lists the boards. A board with an API
// outside jobsync has a fake here, keyed by its id; a board simulated in-process (auth 'none': no
// account to sign in to, no API) has none and is listed with its scenario in IN_PROCESS. A board
// of the registry missing from both is a type error below, and a board listed on the wrong side
// fails every test that loads this file. A new board: its fake file, and one entry in FAKES.
import { BOARDS, type BoardId } from '../../src/boards/registry.js'
import type { BoardScenario, FakeDefinition, InProcessDefinition } from './definition.js'
import { djinniFake } from './djinni.js'
import { headhunterFake } from './headhunter/index.js'
import { robotauaFake } from './robotaua.js'
import { sandboxBoard } from './sandbox.js'
import { workuaFake } from './workua.js'

export type InProcessBoardId = 'sandbox'
export type FakeBoardId = Exclude<BoardId, InProcessBoardId>

export const FAKES = {
  djinni: djinniFake,
  workua: workuaFake,
  robotaua: robotauaFake,
  headhunter: headhunterFake
} as const satisfies { readonly [B in FakeBoardId]: FakeDefinition<B> }

export const IN_PROCESS = {
  sandbox: sandboxBoard
} as const satisfies { readonly [B in InProcessBoardId]: InProcessDefinition<B> }

/** the running fake of a board */
export type FakeOf<B extends FakeBoardId> = Awaited<ReturnType<typeof FAKES[B]['start']>>
/** what a board's fake can be started with */
export type FakeOptionsOf<B extends FakeBoardId> = NonNullable<Parameters<typeof FAKES[B]['start']>[0]>

export function hasFake (board: BoardId): board is FakeBoardId {
  return board in FAKES
}

/** the fake boards' ids, in the registry's order */
export const FAKE_BOARD_IDS: readonly FakeBoardId[] = BOARDS.map(board => board.id).filter(hasFake)

/** a board's fake, typed for code that handles every board alike */
export function fakeDefinition (board: FakeBoardId): FakeDefinition {
  return FAKES[board]
}

/** what the cross-board tests do on a board, fake or in-process */
export function scenarioOf (board: BoardId): BoardScenario<any> {
  return hasFake(board) ? FAKES[board].scenario : IN_PROCESS[board].scenario
}

// only a board with nothing to sign in to can be simulated in-process; every other one talks to an
// API outside jobsync, which the tests must fake
for (const board of BOARDS) {
  const inProcess = board.id in IN_PROCESS
  if (inProcess !== (board.auth === 'none') || inProcess === hasFake(board.id)) {
    throw new Error(`test/fakes/index.ts: board ${board.id} (auth ${board.auth}) must be in ${board.auth === 'none' ? 'IN_PROCESS' : 'FAKES'}, and only there`)
  }
}
