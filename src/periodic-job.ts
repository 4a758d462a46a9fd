// A named job run on a node-cron schedule and on demand: the candidate sync scheduler and the
// webhook dispatcher are each one. One tick at a time: a tick asked for while one runs (by cron,
// tick() or poke()) is coalesced into a single tick right after it, so work that became due during
// a tick is picked up without two ticks ever overlapping. A tick that throws is logged with the
// job's name and the job goes on; stop() ends the schedule and waits for the tick under way.
import cron, { type ScheduledTask } from 'node-cron'

/** where a failed tick is reported (a pino or fastify logger) */
export interface PeriodicJobLog {
  error (details: object, message: string): void
}

export interface PeriodicJobOptions<T> {
  /** names the cron task and the job's log lines */
  name: string
  /** node-cron expression (seconds allowed); checked when the job starts */
  cron: string
  /** one tick's work; its result is what tick() resolves to */
  onTick: () => Promise<T>
  log: PeriodicJobLog
  /** the log message of a failed tick; default `<name> tick failed` */
  errorMessage?: string
}

export interface PeriodicJob<T> {
  readonly name: string
  /** started and not stopped: cron fires and poke() works */
  readonly started: boolean
  /** a tick runs or waits to run */
  readonly busy: boolean
  /**
   * One tick: now, or right after the one under way. Resolves when that tick is over, with its
   * result, or undefined when it failed or the job is stopped (a stopped job ticks no more).
   */
  tick (): Promise<T | undefined>
  /**
   * Asks for a tick now without waiting for it (something became due). Only a started job ticks:
   * one that is not leaves the work to cron elsewhere (another replica) or to explicit tick()s.
   */
  poke (): void
  /** until no tick runs or waits to run */
  idle (): Promise<void>
  /** starts the cron schedule; again is a no-op, and a stopped job stays stopped */
  start (): void
  /** ends the schedule and ticking for good, after the tick under way (and none queued) */
  stop (): Promise<void>
}

export function createPeriodicJob<T> ({ name, cron: expression, onTick, log, errorMessage = `${name} tick failed` }: PeriodicJobOptions<T>): PeriodicJob<T> {
  let task: ScheduledTask | undefined
  let stopped = false
  /** the tick under way */
  let current: Promise<T | undefined> | undefined
  /** the one tick asked for while `current` runs; every ask meanwhile shares it */
  let queued: Promise<T | undefined> | undefined

  async function runOnce (): Promise<T | undefined> {
    try {
      return await onTick()
    } catch (error) {
      // one failed tick (the database is down) must not end the job: the next one tries again
      log.error({ err: error, job: name }, errorMessage)
      return undefined
    }
  }

  function begin (): Promise<T | undefined> {
    const run: Promise<T | undefined> = runOnce().finally(() => { if (current === run) current = undefined })
    current = run
    return run
  }

  const job: PeriodicJob<T> = {
    name,

    get started () { return task !== undefined && !stopped },

    get busy () { return current !== undefined || queued !== undefined },

    async tick (): Promise<T | undefined> {
      if (stopped) return undefined
      if (queued !== undefined) return await queued
      if (current === undefined) return await begin()
      queued = current.then(() => {
        queued = undefined
        return stopped ? undefined : begin()
      })
      return await queued
    },

    poke (): void {
      // on the next turn of the event loop, not inside the caller's (a request, a finishing run)
      if (job.started) setImmediate(() => { void job.tick() })
    },

    async idle (): Promise<void> {
      while (job.busy) await (queued ?? current)
    },

    start (): void {
      if (task !== undefined || stopped) return
      task = cron.schedule(expression, () => { void job.tick() }, { name })
    },

    async stop (): Promise<void> {
      stopped = true
      // destroy, not just stop: node-cron keeps stopped tasks in its registry
      await task?.destroy()
      await job.idle()
    }
  }
  return job
}
