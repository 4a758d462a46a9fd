// How many identity locks this process's open sync transactions hold at once. Every lock of a
// Postgres server lives in one shared table (max_locks_per_transaction × max_connections entries),
// and a full table fails whatever transaction needs one more lock, not only ours. A stored batch
// takes its share of the budget before it locks, waiting its turn while others hold it, and gives
// it back when its transaction has ended.

export interface LockPermit {
  /**
   * Takes `n` locks' worth of the budget for this permit's transaction, waiting (first come, first
   * served) until that much is free; false, at once, when `n` is more than the whole budget.
   */
  acquire: (n: number) => Promise<boolean>
  /** gives back what was taken; call once the transaction committed or rolled back */
  release: () => void
}

export interface LockBudget {
  /** one permit per transaction */
  permit: () => LockPermit
  readonly free: number
}

export function createLockBudget (capacity: number): LockBudget {
  let free = capacity
  const waiting: Array<{ n: number, grant: () => void }> = []
  const serve = (): void => {
    while (waiting.length > 0 && waiting[0]!.n <= free) {
      const next = waiting.shift()!
      free -= next.n
      next.grant()
    }
  }
  return {
    get free () { return free },
    permit () {
      let held = 0
      return {
        async acquire (n) {
          if (held > 0) throw new Error('a permit is acquired once per transaction')
          if (n > capacity) return false
          if (waiting.length === 0 && n <= free) free -= n
          else await new Promise<void>(resolve => waiting.push({ n, grant: resolve }))
          held = n
          return true
        },
        release () {
          free += held
          held = 0
          serve()
        }
      }
    }
  }
}
