// The periodic job under the scheduler and the dispatcher, on its own: ticks asked for during a tick
// coalesce into one, two never overlap, a failing tick is logged and the job goes on, stop() waits.
import t, { type Test } from 'tap'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { createPeriodicJob, type PeriodicJobOptions } from '../src/periodic-job.js'

function deferred (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(done => { resolve = done })
  return { promise, resolve }
}

/** an onTick whose ticks wait until released, and that counts them and any overlap */
function gatedTicks (results: Array<number | Error> = []) {
  let gate = deferred()
  const state = { calls: 0, running: 0, maxRunning: 0, finished: 0 }
  const onTick = async (): Promise<number> => {
    const call = ++state.calls
    state.running++
    state.maxRunning = Math.max(state.maxRunning, state.running)
    try {
      await gate.promise
      const result = results[call - 1] ?? call
      if (result instanceof Error) throw result
      return result
    } finally {
      state.running--
      state.finished++
    }
  }
  /** lets the ticks waiting now finish; later ones wait for the next release */
  const release = () => { const open = gate; gate = deferred(); open.resolve() }
  return { onTick, state, release }
}

function logCollector () {
  const lines: Array<{ details: object, message: string }> = []
  return { lines, log: { error: (details: object, message: string) => { lines.push({ details, message }) } } }
}

function jobWith<T> (t: Test, options: Omit<PeriodicJobOptions<T>, 'log'> & { log?: PeriodicJobOptions<T>['log'] }) {
  const job = createPeriodicJob({ log: logCollector().log, ...options })
  t.teardown(async () => { await job.stop() })
  return job
}

/** until the pending microtasks and one event loop turn have run */
const settle = async (): Promise<void> => { await nextTurn(); await nextTurn() }

t.test('ticks asked for while one runs coalesce into one tick right after it', async t => {
  const { onTick, state, release } = gatedTicks()
  const job = jobWith(t, { name: 'coalesce', cron: '0 0 1 1 *', onTick })

  const first = job.tick()
  await settle()
  t.equal(state.calls, 1, 'the first ask starts a tick at once')
  const during = [job.tick(), job.tick(), job.tick()]
  await settle()
  t.equal(state.calls, 1, 'asks during a tick do not start another')
  t.ok(job.busy, 'busy while a tick runs or waits')

  release()
  t.equal(await first, 1, 'the first caller gets its own tick\'s result')
  await settle()
  t.equal(state.calls, 2, 'the asks made during it became one more tick')
  release()
  t.same(await Promise.all(during), [2, 2, 2], 'and all of them wait for that tick and get its result')
  await settle()
  t.equal(state.calls, 2, 'no third tick')
  t.equal(state.maxRunning, 1, 'never two at once')
  t.notOk(job.busy, 'idle again')

  const later = job.tick()
  release()
  t.equal(await later, 3, 'an ask when idle starts a tick of its own')
})

t.test('never two ticks at once, however they are asked for', async t => {
  let calls = 0
  let running = 0
  let maxRunning = 0
  const job = jobWith(t, {
    name: 'no-overlap',
    cron: '0 0 1 1 *',
    onTick: async () => {
      running++
      maxRunning = Math.max(maxRunning, running)
      calls++
      await sleep(Math.floor(Math.random() * 5))
      running--
    }
  })
  job.start()
  const asks: Array<Promise<unknown>> = []
  for (let i = 0; i < 200; i++) {
    if (i % 3 === 0) job.poke()
    else asks.push(job.tick())
    if (i % 7 === 0) await sleep(1)
  }
  await Promise.all(asks)
  await settle()
  await job.idle()
  t.equal(maxRunning, 1, 'one tick at a time')
  t.ok(calls >= 2 && calls < 200, `the 200 asks became ${calls} ticks`)
})

t.test('a failing tick is logged with the job\'s name; the job goes on', async t => {
  const { lines, log } = logCollector()
  const boom = new Error('database down')
  const { onTick, release } = gatedTicks([boom, 7])
  const job = jobWith(t, { name: 'fragile', cron: '0 0 1 1 *', onTick, log })

  const failed = job.tick()
  release()
  t.equal(await failed, undefined, 'a failed tick resolves (to undefined), it does not reject')
  t.equal(lines.length, 1)
  t.match(lines[0], { details: { job: 'fragile', err: boom }, message: 'fragile tick failed' }, 'logged with the name and the error')

  const next = job.tick()
  release()
  t.equal(await next, 7, 'the next tick runs as usual')

  const named = logCollector()
  const custom = jobWith(t, { name: 'custom', cron: '0 0 1 1 *', onTick: async () => { throw boom }, log: named.log, errorMessage: 'custom round failed' })
  await custom.tick()
  t.equal(named.lines[0]?.message, 'custom round failed', 'the message can be the job\'s own')
})

t.test('a failing tick asked for during another does not stop the queued one', async t => {
  const { onTick, state, release } = gatedTicks([new Error('first fails'), 2])
  const job = jobWith(t, { name: 'queued-after-failure', cron: '0 0 1 1 *', onTick })
  const first = job.tick()
  await settle()
  const second = job.tick()
  release()
  t.equal(await first, undefined)
  await settle()
  release()
  t.equal(await second, 2, 'the queued tick ran after the failed one')
  t.equal(state.calls, 2)
})

t.test('stop() waits for the tick under way; nothing ticks after it', async t => {
  const { onTick, state, release } = gatedTicks()
  const job = jobWith(t, { name: 'stopping', cron: '0 0 1 1 *', onTick })
  job.start()
  t.ok(job.started)

  const running = job.tick()
  await settle()
  const queued = job.tick()
  let stopped = false
  const stopping = job.stop().then(() => { stopped = true })
  await sleep(20)
  t.notOk(stopped, 'stop() has not returned while the tick runs')
  t.notOk(job.started, 'but the job counts as stopped at once')

  release()
  await stopping
  t.equal(state.finished, 1, 'stop() returned after the tick finished')
  t.equal(await running, 1)
  t.equal(await queued, undefined, 'the tick queued behind it does not run after stop()')
  t.equal(state.calls, 1)

  t.equal(await job.tick(), undefined, 'a tick after stop() does nothing')
  job.poke()
  job.start()
  await sleep(20)
  t.equal(state.calls, 1, 'nor do poke() and start()')
})

t.test('poke() ticks a started job only, on a later turn of the event loop', async t => {
  const ticks: string[] = []
  const job = jobWith(t, { name: 'poked', cron: '0 0 1 1 *', onTick: async () => { ticks.push('tick') } })
  job.poke()
  await sleep(20)
  t.same(ticks, [], 'a job that is not started ignores poke()')

  job.start()
  job.poke()
  t.same(ticks, [], 'not inside the caller')
  await sleep(20)
  await job.idle()
  t.same(ticks, ['tick'], 'a started job ticks')
})

t.test('cron ticks a started job; fires during a tick do not overlap it', async t => {
  const ticks: Array<{ start: number, end: number }> = []
  let running = 0
  let maxRunning = 0
  const job = jobWith(t, {
    name: 'every-second',
    cron: '* * * * * *',
    onTick: async () => {
      running++
      maxRunning = Math.max(maxRunning, running)
      const start = Date.now()
      // longer than the schedule's second: fires come while it runs
      await sleep(1_500)
      ticks.push({ start, end: Date.now() })
      running--
    }
  })
  job.start()
  while (ticks.length < 2) await sleep(50)
  await job.stop()
  t.equal(maxRunning, 1, 'never two at once')
  t.ok(ticks[1]!.start >= ticks[0]!.end, 'the second tick began after the first ended')
  t.ok(ticks[1]!.start - ticks[0]!.end < 250, `right after it (${ticks[1]!.start - ticks[0]!.end} ms): the fires during it were kept as one tick, not dropped`)
  const count = ticks.length
  await sleep(1_200)
  t.equal(ticks.length, count, 'no tick after stop()')
})

t.test('a bad cron expression is refused when the job starts', async t => {
  const job = jobWith(t, { name: 'bad-cron', cron: 'every minute', onTick: async () => {} })
  t.throws(() => { job.start() })
})
