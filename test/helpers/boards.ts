// Every fake board on 127.0.0.1 (test/fakes/index.ts), keyed by board id, and the environment that
// points the app at them.
import tap from 'tap'
import { FAKE_BOARD_IDS, fakeDefinition, type FakeBoardId, type FakeOf } from '../fakes/index.js'

/** what every test run against the fakes sets for board HTTP: one retry, a second's patience */
export const TEST_BOARD_HTTP_ENV = { BOARD_MAX_RETRIES: '1', BOARD_TIMEOUT_MS: '1000' } as const

export type FakeBoards = { readonly [B in FakeBoardId]: FakeOf<B> } & { env: Record<string, string> }

/**
 * Started once per test file and closed when it ends. The file fails on any request a fake had no
 * route for, and on whatever else a fake checks after a test (hh: no request broke its spec).
 */
export async function startFakeBoards (): Promise<FakeBoards> {
  const started = await Promise.all(FAKE_BOARD_IDS.map(async id => {
    const definition = fakeDefinition(id)
    return { id, definition, fake: await definition.start() }
  }))
  // one teardown: the fakes close even when a check fails (a throwing teardown skips the ones after
  // it, and a fake left listening keeps the file's process alive until the runner's timeout)
  tap.teardown(async () => {
    try {
      const unmatched = started.flatMap(({ id, definition, fake }) => definition.servers(fake).flatMap(server => server.unmatched).map(request => `${id}: ${request}`))
      if (unmatched.length > 0) throw new Error(`requests no fake board has a route for:\n  - ${unmatched.join('\n  - ')}`)
      for (const { definition, fake } of started) definition.assertAfterTest?.(fake)
    } finally {
      await Promise.all(started.map(async ({ definition, fake }) => { await definition.close(fake) }))
    }
  })
  return {
    ...Object.fromEntries(started.map(({ id, fake }) => [id, fake])) as { [B in FakeBoardId]: FakeOf<B> },
    env: {
      ...Object.assign({}, ...started.map(({ definition, fake }) => definition.env(fake))) as Record<string, string>,
      ...TEST_BOARD_HTTP_ENV
    }
  }
}
