// How a run's pages are gathered into transactions, and which batch is known to be the board's last
// (that one also closes the run, in the same transaction).
import t from 'tap'
import { batched } from '../../src/sync/runner.js'
import type { BoardApplication, ResponsePage } from '../../src/boards/types.js'

const page = (items: number, cursor: string): ResponsePage => ({ items: Array.from({ length: items }, () => ({}) as BoardApplication), skipped: {}, cursor })

async function * board (pages: ResponsePage[], failAfter?: number): AsyncGenerator<ResponsePage> {
  for (const [index, p] of pages.entries()) {
    if (index === failAfter) throw new Error('board down')
    yield p
  }
}

async function collect (pages: AsyncIterable<ResponsePage>, minItems: number): Promise<{ batches: Array<{ cursors: string[], last: boolean }>, error?: string }> {
  const batches: Array<{ cursors: string[], last: boolean }> = []
  try {
    for await (const batch of batched(pages, minItems)) batches.push({ cursors: batch.pages.map(p => p.cursor!), last: batch.last })
  } catch (error) {
    return { batches, error: (error as Error).message }
  }
  return { batches }
}

t.test('pages fill batches of at least minItems; the batch the board ended is the last', async t => {
  t.strictSame(await collect(board([page(2, 'a'), page(2, 'b'), page(2, 'c')]), 4), {
    batches: [{ cursors: ['a', 'b'], last: false }, { cursors: ['c'], last: true }]
  })
  t.strictSame(await collect(board([page(1, 'a')]), 500), { batches: [{ cursors: ['a'], last: true }] }, 'a small run is one batch, the last')
  t.strictSame(await collect(board([page(0, 'a')]), 500), { batches: [{ cursors: ['a'], last: true }] }, 'an empty page still moves the cursor')
})

t.test('a batch that fills up before the board ends is not known to be the last', async t => {
  t.strictSame(await collect(board([page(2, 'a'), page(2, 'b')]), 4), { batches: [{ cursors: ['a', 'b'], last: false }] })
  t.strictSame(await collect(board([]), 4), { batches: [] })
})

t.test('a board failing mid-batch: the pages it gave come first, never as the last batch, then the error', async t => {
  t.strictSame(await collect(board([page(1, 'a'), page(1, 'b'), page(1, 'c')], 2), 10), {
    batches: [{ cursors: ['a', 'b'], last: false }], error: 'board down'
  })
})
