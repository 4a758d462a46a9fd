// The board registry is the one list every board-shaped thing is derived from: the ids and their
// schema, the names, the boards' part of the environment and of .env.example. Each board is built
// from its own settings only, and a board whose implementation contradicts what it claims fails at start.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { Type } from 'typebox'
import { AgentPool } from '../../src/boards/http.js'
import { BOARDS, BOARD_IDS, BoardIdSchema, assembleBoard, boardName, createBoardRegistry } from '../../src/boards/registry.js'
import { boardEnvSection, withBoardSection, BOARD_SECTION_START } from '../../src/boards/env-example.js'
import { defineBoard } from '../../src/boards/types.js'
import { createSandboxAdapter } from '../../src/boards/sandbox/adapter.js'
import { EnvSchema, loadConfig } from '../../src/config.js'
import { memoryLimiter } from '../helpers/memory-limiter.js'

t.test('ids, their schema and names come from the list', async t => {
  t.same(BOARD_IDS, BOARDS.map(b => b.id))
  t.same(BoardIdSchema.enum, [...BOARD_IDS])
  t.equal(boardName('workua'), 'Work.ua')
  t.equal(boardName('gone'), 'gone', 'a stored row of a board no longer listed still reads')
  t.equal(new Set(BOARD_IDS).size, BOARD_IDS.length, 'no id twice')
})

t.test("the process's environment schema holds every board's variables, with the board's defaults", async t => {
  for (const board of BOARDS) {
    for (const name of Object.keys(board.env.properties)) t.ok(name in EnvSchema.properties, `${board.id}: ${name}`)
  }
  const config = loadConfig({ ROBOTAUA_AUTH_URL: 'http://127.0.0.1:9/auth' })
  t.same(config.boards.settings.robotaua, { ROBOTAUA_API_URL: 'https://employer-api.robota.ua', ROBOTAUA_AUTH_URL: 'http://127.0.0.1:9/auth' })
  t.same(config.boards.settings.djinni, { DJINNI_API_URL: 'https://djinni.co/api/v2' })
  t.same(config.boards.settings.sandbox, {})
  t.throws(() => loadConfig({ HH_USER_AGENT: 'nobody' }), { message: /HH_USER_AGENT/ }, "a board's own rule is checked like any other")
})

t.test("each board's factory is given its own settings and nothing of another board's", async t => {
  const config = loadConfig({ HH_CLIENT_ID: 'client', HH_CLIENT_SECRET: 'hh-client-secret', HH_REDIRECT_URI: 'https://host.example/cb' })
  const given = new Map<string, Record<string, unknown>>()
  const original = BOARDS.map(board => board.create)
  t.teardown(() => { BOARDS.forEach((board, i) => { (board as { create: unknown }).create = original[i] }) })
  BOARDS.forEach((board, i) => {
    (board as { create: unknown }).create = (deps: { settings: Record<string, unknown> }) => { given.set(board.id, deps.settings); return original[i]!(deps as never) }
  })
  const agents = new AgentPool({ connectionsPerAccount: 1, maxAccounts: 1 })
  t.teardown(async () => { await agents.close() })
  const registry = createBoardRegistry({ config: config.boards, agents, limiterFor: memoryLimiter })
  t.same([...registry.keys()], [...BOARD_IDS])
  for (const board of BOARDS) {
    t.same(Object.keys(given.get(board.id) ?? {}).sort(), Object.keys(board.env.properties).sort(), `${board.id} sees only its own variables`)
  }
  for (const [id, settings] of given) {
    if (id !== 'headhunter') t.notOk(JSON.stringify(settings).includes('hh-client-secret'), `${id} never sees hh's client secret`)
  }
  t.match(registry.get('djinni'), { id: 'djinni', name: 'Djinni', auth: 'api_key', syncIntervalMinutes: 30 })
})

t.test('a board whose implementation contradicts its capabilities fails when the registry is built', async t => {
  const claimsFiles = defineBoard({
    id: 'files', name: 'Files', auth: 'none', syncIntervalMinutes: 60, env: Type.Object({}),
    capabilities: { recruiters: false, publicationQuota: false, outcomes: [], resumeFiles: true, photoFiles: true, reopen: 'same_posting', extend: true },
    create: () => createSandboxAdapter()
  })
  t.throws(() => assembleBoard(claimsFiles, claimsFiles.create({} as never)), /files: capabilities.resumeFiles is true but openResume is not implemented/)
  const claimsOauth = { ...claimsFiles, auth: 'oauth2' as const, capabilities: { ...claimsFiles.capabilities, resumeFiles: false } }
  t.throws(() => assembleBoard(claimsOauth, claimsOauth.create({} as never)), /an oauth2 board needs authorizeUrl/)
})

t.test(".env.example's board section is the one the registry writes (run `npm run env-example` after changing a board's settings)", async t => {
  const committed = await readFile(new URL('../../.env.example', import.meta.url), 'utf8')
  t.ok(committed.includes(boardEnvSection()), 'up to date')
  t.equal(withBoardSection(committed), committed, 'rewriting it changes nothing')
  for (const board of BOARDS) {
    for (const name of Object.keys(board.env.properties)) t.match(committed, new RegExp(`^(# )?${name}=`, 'm'), name)
  }
  const stale = committed.replace('HH_API_URL=https://api.hh.ru', 'HH_API_URL=https://old.example')
  t.notOk(stale.includes(boardEnvSection()), 'an edited section is noticed')
  t.equal(withBoardSection('A=1\n'), `A=1\n\n${boardEnvSection()}\n`, 'a file without the section gets it appended')
  t.ok(boardEnvSection().startsWith(BOARD_SECTION_START))
})
