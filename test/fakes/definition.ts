// What a fake board is to the tests, the way a BoardDefinition is what a board is to the app: each
// fake module (test/fakes/<board>.ts, or <board>/index.ts) exports one, and test/fakes/index.ts lists
// them. Tests that run across boards (the adapter harness, the contract suite, startFakeBoards, the
// publishing fixtures, the fault matrix, the secret scans) read everything board-specific from here,
// so a new board's fake is one file and one line in the list.
import type { BoardId } from '../../src/boards/registry.js'
import type { FakeServer } from './fake-server.js'

/** an account a test opened on the board, and what the board can do to it */
export interface ScenarioAccount {
  /**
   * The install input: `credentials` of POST /v1/integrations and the adapter's `connect` input.
   * An OAuth board issues a new single-use grant on each call (the app adds its signed `state`).
   */
  credentials (): Record<string, unknown>
  /** the board stops taking the account's credentials (key deleted, password changed, tokens revoked) */
  revoke (): void
  /** the board takes the same credentials again; absent where a revoked grant stays dead and the host installs a new one */
  restore?: () => void
  /** the board lets the account's tokens expire (the adapter renews them by itself); absent where nothing expires */
  expire?: () => void
}

/** what tests across boards do on a board: the same for a fake board and for the in-process sandbox */
export interface BoardScenario<Fake> {
  /** a new account on the board, with paid publications enough for a test */
  newAccount (fake: Fake): ScenarioAccount
  publishing: {
    /** board fields the board accepts (`fields` of a publication) */
    fields: Record<string, unknown>
    publicationType: string
    /** a required field to leave out to see the publish refused; null where no field is required */
    requiredField: string | null
    /** fields of a posting the test means to fail (where the board decides its moderation at publish: the sandbox) */
    failFields?: Record<string, unknown>
    /** the board's moderator approves the posting */
    approve (fake: Fake, externalId: string): void
    /** the board rejects or removes the posting; returns what the publication's reason should mention */
    fail (fake: Fake, externalId: string): RegExp
  }
  responses: {
    /** how many responses make a sync of one posting take several pages */
    severalPages: number
    /** where responses come with the posting (the sandbox): the fields that give it `n` of them */
    fieldsFor?: (n: number) => Record<string, unknown>
    /**
     * `n` responses to the posting that the board's filtering rules let through, and the
     * `externalId`s the adapter must give them. `extra`: fields the board does not document,
     * sent as part of each response.
     */
    add (fake: Fake, postingId: string, n: number, extra?: Record<string, unknown>): string[]
  }
}

export interface FakeDefinition<Id extends BoardId = BoardId, Fake = any, Options = any> {
  readonly id: Id
  /** a running fake on 127.0.0.1, port 0 */
  start (options?: Options): Promise<Fake>
  /** the environment variables that point the app (its config) at the running fake */
  env (fake: Fake): Record<string, string>
  /** the fake's HTTP servers: their request logs, their fault switches, the requests they had no route for */
  servers (fake: Fake): FakeServer[]
  close (fake: Fake): Promise<void>
  /** what must also hold once a test is over (hh: no request broke its spec); throws when it does not */
  assertAfterTest?: (fake: Fake) => void
  /** secrets the fake handed to the app outside any request (hh: the OAuth application's client secret) */
  secrets?: (fake: Fake) => string[]
  /** the request each step of a flow sends, for faults to be injected into */
  requests: {
    check: RegExp
    publish: RegExp
    responsesPage: RegExp
    /** what a posting check asks about one posting (moderation, removal, expiry) */
    postingCheck: RegExp
    /** the paid publications left of the account; null where the board does not count them */
    availablePublications: RegExp | null
  }
  /** a catalogue the board keeps for all its accounts (stored by jobsync), and the request that fetches it; null where there is none */
  dictionary: { name: string, request: RegExp } | null
  /** the outcomes the board takes: the request that shares one, and whether the board has an application's; null where none are shared */
  outcomes: { request: RegExp, shared: (fake: Fake, externalId: string) => boolean } | null
  scenario: BoardScenario<Fake>
}

/** a fake's definition, with its id kept as a literal type (test/fakes/index.ts keys the list by it) */
export function defineFake<const Id extends BoardId, Fake, Options> (definition: FakeDefinition<Id, Fake, Options>): FakeDefinition<Id, Fake, Options> {
  return definition
}

/** a board simulated inside the app (no external API, so no fake): only its scenario */
export interface InProcessDefinition<Id extends BoardId = BoardId> {
  readonly id: Id
  scenario: BoardScenario<undefined>
}
