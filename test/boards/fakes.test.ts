// The fake boards as test/fakes/index.ts lists them: one per board of the registry that has an API
// outside jobsync, none for an in-process board, and each records the requests it has no route
// for, which the adapter harness and startFakeBoards fail a test on.
import t from 'tap'
import { request } from 'undici'
import { BOARDS } from '../../src/boards/registry.js'
import { FAKE_BOARD_IDS, FAKES, IN_PROCESS, fakeDefinition } from '../fakes/index.js'

t.test('every board of the registry is faked, or simulated in-process with nothing to sign in to', async t => {
  t.same([...FAKE_BOARD_IDS, ...Object.keys(IN_PROCESS)].sort(), BOARDS.map(board => board.id).sort(), 'each board on exactly one side')
  for (const board of BOARDS) {
    t.equal(board.id in FAKES, board.auth !== 'none', `${board.id} (auth ${board.auth}) ${board.auth === 'none' ? 'needs no fake' : 'has a fake'}`)
  }
})

for (const id of FAKE_BOARD_IDS) {
  t.test(`${id}: a request no route of the fake takes is recorded, method and path`, async t => {
    const definition = fakeDefinition(id)
    const fake = await definition.start()
    t.teardown(async () => { await definition.close(fake) })
    const servers = definition.servers(fake)
    t.ok(servers.length > 0, 'the fake has a server')
    const unmatched = (): string[] => servers.flatMap(server => server.unmatched)
    t.same(unmatched(), [], 'nothing yet')

    const res = await request(`${servers[0]!.url}/no/such/route`, { method: 'DELETE' })
    await res.body.dump()
    t.ok(res.statusCode >= 400, `answered as the board answers an unknown path (${res.statusCode})`)
    t.same(unmatched(), ['DELETE /no/such/route'], 'recorded as METHOD /path')
    t.ok(Object.keys(definition.env(fake)).length > 0, 'it names the environment that points the app at it')
  })
}
