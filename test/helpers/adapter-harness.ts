// One way to put a board's adapter in front of its fake (no database): the fake started, a config
// pointing at it, the adapter built from the board's own settings as the registry builds it (or by
// the test's factory), pooled agents, request budgets in memory, a logger into `logs`, and accounts installed as the service
// installs them (connect, credentials in a memory store, checkAccount). Everything is torn down
// with the test, which then fails on any request the fake had no route for and on whatever else
// the fake checks (hh: no request broke its spec). The sandbox needs no fake: `fake` is undefined.
import { pino, type Level, type Logger } from 'pino'
import { loadConfig, type Config } from '../../src/config.js'
import { AgentPool } from '../../src/boards/http.js'
import { assembleBoard, boardDefinition, type BoardId, type BoardSettings } from '../../src/boards/registry.js'
import type { AccountSession, BoardAccount, BoardAdapter, BoardDeps, BoardImplementation } from '../../src/boards/types.js'
import type { FakeDefinition, ScenarioAccount } from '../fakes/definition.js'
import { serverGroup, type FakeRequest } from '../fakes/fake-server.js'
import { fakeDefinition, hasFake, scenarioOf, type FakeBoardId, type FakeOf, type FakeOptionsOf } from '../fakes/index.js'
import { boardDeps } from './board-deps.js'
import { memoryStore, type MemoryStore } from './credential-store.js'
import { memoryLimiter, type MemoryLimiter } from './memory-limiter.js'

interface Teardown { teardown: (fn: () => unknown) => void }

// one retry; a fake answers in milliseconds, but hh's first request to an operation compiles its
// spec validators, which a busy machine can take a second over
const HARNESS_HTTP_ENV = { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '5000' }

/** the running fake of a board; undefined for a board simulated in-process */
export type FakeFor<B extends BoardId> = B extends FakeBoardId ? FakeOf<B> : undefined
type FakeOptionsFor<B extends BoardId> = B extends FakeBoardId ? FakeOptionsOf<B> : never
/** the stored credentials of an adapter */
export type CredentialsOf<A> = A extends BoardImplementation<infer C, any> ? C : unknown
type InstallInput = Record<string, unknown>

export interface HarnessOptions<B extends BoardId, A> {
  /** options the board's fake starts with */
  fake?: FakeOptionsFor<B>
  /** the environment over the fake's and HARNESS_HTTP_ENV (e.g. BOARD_MAX_RETRIES); undefined unsets a variable */
  env?: Record<string, string | undefined>
  /** builds the adapter (with the test's options); by default the board's definition does, as the registry builds it */
  create?: (deps: BoardDeps<BoardSettings[B]>) => A
  /** the level of `log`, whose lines land in `logs`; default 'debug' */
  logLevel?: Level | 'silent'
  /** install an account right away (`true`: a new account of the board's scenario; or this install input) */
  install?: true | InstallInput
  /** the test sends requests the fake has no route for on purpose: they do not fail it */
  unmatchedRequests?: 'allowed'
}

export interface Installed<C> {
  /** what the adapter's connect was given */
  input: InstallInput
  store: MemoryStore<C>
  session: AccountSession<C>
  /** what checkAccount answered */
  account: BoardAccount
  /** what the board can do to the account; undefined when the test gave the install input itself */
  onBoard: ScenarioAccount | undefined
}

export interface AdapterHarness<B extends BoardId, A> {
  board: B
  fake: FakeFor<B>
  adapter: A
  config: Config
  deps: BoardDeps<BoardSettings[B]>
  agents: AgentPool
  /** the board's request budgets, in memory (the app keeps them in Postgres, shared by the replicas) */
  limiter: MemoryLimiter
  log: Logger
  /** every line `log` wrote, as JSON */
  logs: string[]
  /** an account installed as the service installs it: a new one of the board's scenario, or from this install input */
  install: (input?: InstallInput) => Promise<Installed<CredentialsOf<A>>>
  /** the requests the fake got whose `METHOD /path` matches (faults injected included) */
  requestsTo: (pattern: RegExp) => FakeRequest[]
}

let accounts = 0

export async function adapterHarness<B extends BoardId, A = BoardAdapter> (t: Teardown, board: B, options: HarnessOptions<B, A> & { install: true | InstallInput }): Promise<AdapterHarness<B, A> & Installed<CredentialsOf<A>>>
export async function adapterHarness<B extends BoardId, A = BoardAdapter> (t: Teardown, board: B, options?: HarnessOptions<B, A>): Promise<AdapterHarness<B, A>>
export async function adapterHarness<B extends BoardId, A = BoardAdapter> (t: Teardown, board: B, options: HarnessOptions<B, A> = {}): Promise<AdapterHarness<B, A> & Partial<Installed<CredentialsOf<A>>>> {
  const definition = boardDefinition(board)
  if (definition === undefined) throw new Error(`adapterHarness: no board ${board}`)
  const fakeBoard: FakeDefinition | undefined = hasFake(board) ? fakeDefinition(board) : undefined
  const fake = await fakeBoard?.start(options.fake)
  const servers = fakeBoard === undefined ? [] : fakeBoard.servers(fake)
  const agents = new AgentPool({ connectionsPerAccount: 4, maxAccounts: 100 })
  t.teardown(async () => {
    await agents.close()
    if (fakeBoard === undefined) return
    await fakeBoard.close(fake)
    const problems: string[] = []
    const unmatched = servers.flatMap(server => server.unmatched)
    if (options.unmatchedRequests !== 'allowed' && unmatched.length > 0) {
      problems.push(`the ${board} adapter sent requests its fake has no route for:\n  - ${unmatched.join('\n  - ')}`)
    }
    try { fakeBoard.assertAfterTest?.(fake) } catch (error) { problems.push((error as Error).message) }
    if (problems.length > 0) throw new Error(problems.join('\n'))
  })

  const config = loadConfig({ ...(fakeBoard === undefined ? {} : fakeBoard.env(fake)), ...HARNESS_HTTP_ENV, ...options.env })
  const limiter = memoryLimiter(board)
  const deps = boardDeps(config, board, agents, limiter) as BoardDeps<BoardSettings[B]>
  const adapter = options.create !== undefined ? options.create(deps) : assembleBoard(definition, definition.create(deps as BoardDeps)) as A
  const logs: string[] = []
  const log = pino({ level: options.logLevel ?? 'debug' }, { write: (line: string) => { logs.push(line) } })
  const implementation = adapter as BoardImplementation<CredentialsOf<A>>

  async function install (input?: InstallInput): Promise<Installed<CredentialsOf<A>>> {
    const onBoard = input === undefined ? scenarioOf(board).newAccount(fake) : undefined
    const given = input ?? onBoard!.credentials()
    const n = ++accounts
    const store = memoryStore(await implementation.connect(given, `install:${board}:${n}`))
    const session: AccountSession<CredentialsOf<A>> = { key: `${board}:${n}`, credentials: store, log }
    return { input: given, store, session, account: await implementation.checkAccount(session), onBoard }
  }

  const harness: AdapterHarness<B, A> = {
    board,
    fake: fake as FakeFor<B>,
    adapter,
    config,
    deps,
    agents,
    limiter,
    log,
    logs,
    install,
    requestsTo: pattern => serverGroup(servers).requests.filter(r => pattern.test(`${r.method} ${r.path}`))
  }
  if (options.install === undefined) return harness
  return { ...harness, ...await install(options.install === true ? undefined : options.install) }
}
