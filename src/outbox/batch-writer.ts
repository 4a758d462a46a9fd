// Writes items in batches as they come, as a group commit does: the first item starts a write, the
// items that come while a write is under way go together into the next one, which starts as soon as
// it ends. add() resolves once its item is written, or rejects with its batch's error.
export interface BatchWriter<T> {
  add: (item: T) => Promise<void>
}

export function createBatchWriter<T> (write: (batch: T[]) => Promise<void>, maxBatch = 500): BatchWriter<T> {
  const pending: Array<{ item: T, resolve: () => void, reject: (error: unknown) => void }> = []
  let writing = false

  async function drain (): Promise<void> {
    writing = true
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, maxBatch)
        try {
          await write(batch.map(b => b.item))
          for (const b of batch) b.resolve()
        } catch (error) {
          for (const b of batch) b.reject(error)
        }
      }
    } finally {
      writing = false
    }
  }

  return {
    async add (item: T): Promise<void> {
      const written = new Promise<void>((resolve, reject) => { pending.push({ item, resolve, reject }) })
      if (!writing) void drain()
      await written
    }
  }
}
