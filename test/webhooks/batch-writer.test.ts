// The dispatcher's group commit of delivered attempts (src/outbox/batch-writer.ts): the first item
// is written at once, what comes during a write goes into the next write together, each add()
// settles with its own batch, and a failed batch fails only its own items.
import t from 'tap'
import { createBatchWriter } from '../../src/outbox/batch-writer.js'

function controlledWrite () {
  const batches: number[][] = []
  const gates: Array<{ open: () => void, fail: (error: Error) => void }> = []
  const write = async (batch: number[]): Promise<void> => {
    batches.push(batch)
    await new Promise<void>((resolve, reject) => { gates.push({ open: resolve, fail: reject }) })
  }
  return { batches, gates, write }
}

const tick = async () => { await new Promise(resolve => setImmediate(resolve)) }

t.test('items that come during a write go together into the next one', async t => {
  const { batches, gates, write } = controlledWrite()
  const writer = createBatchWriter(write)
  const settled: number[] = []
  const add = (n: number) => writer.add(n).then(() => { settled.push(n) })
  const first = add(1)
  const rest = [2, 3, 4].map(add)
  await tick()
  t.same(batches, [[1]], 'the first item is written at once, alone')
  gates[0]!.open()
  await first
  await tick()
  t.same(batches, [[1], [2, 3, 4]], 'the three that waited, in one write')
  t.same(settled, [1], 'nothing settles before its own write ends')
  gates[1]!.open()
  await Promise.all(rest)
  t.same(settled, [1, 2, 3, 4])
})

t.test('a failed write fails its own items; the next batch is written', async t => {
  const { batches, gates, write } = controlledWrite()
  const writer = createBatchWriter(write)
  const first = writer.add(1)
  await tick()
  const second = writer.add(2)
  gates[0]!.fail(new Error('database down'))
  await t.rejects(first, { message: 'database down' })
  await tick()
  t.same(batches, [[1], [2]])
  gates[1]!.open()
  await t.resolves(second, 'the item after the failure is written')
})

t.test('a batch holds at most maxBatch items; the rest go into the next', async t => {
  const { batches, gates, write } = controlledWrite()
  const writer = createBatchWriter(write, 2)
  const all = [writer.add(1)]
  await tick()
  all.push(writer.add(2), writer.add(3), writer.add(4))
  for (let i = 0; i < 3; i++) { gates[i]!.open(); await tick(); await tick() }
  await Promise.all(all)
  t.same(batches, [[1], [2, 3], [4]])
})
