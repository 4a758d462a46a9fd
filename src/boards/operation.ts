// Which adapter operation (publish, pageThroughResponses, checkAccount…) a board request is made
// for, so the board request metrics can say it. assembleBoard runs every adapter method inside
// its name; the HTTP client reads it. No call site has to pass it along, and a board's own helpers
// (a token refresh in the middle of a publish) count under the operation that needed them.
import { AsyncLocalStorage } from 'node:async_hooks'

const current = new AsyncLocalStorage<string>()

/** the adapter operation under way; 'other' outside one (an adapter's part called directly, as adapter tests do) */
export function boardOperation (): string {
  return current.getStore() ?? 'other'
}

function isAsyncIterable (value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Promise) && Symbol.asyncIterator in value
}

/** the pages of a paging operation are fetched as the caller asks for them, each inside the operation */
function iterateInside (name: string, iterable: AsyncIterable<unknown>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator] () {
      const iterator = current.run(name, () => iterable[Symbol.asyncIterator]())
      return {
        next: async (...args: [] | [unknown]) => await current.run(name, async () => await iterator.next(...args)),
        return: async (value?: unknown) => await current.run(name, async () => await (iterator.return?.(value) ?? { done: true as const, value })),
        throw: async (error?: unknown) => await current.run(name, async () => { if (iterator.throw === undefined) throw error; return await iterator.throw(error) })
      }
    }
  }
}

/** the implementation with each of its methods run inside an operation of the method's name */
export function withOperations<T extends object> (implementation: T): T {
  const named: Record<string, unknown> = { ...(implementation as Record<string, unknown>) }
  for (const [name, value] of Object.entries(implementation)) {
    if (typeof value !== 'function') continue
    const method = value as (...args: unknown[]) => unknown
    named[name] = (...args: unknown[]) => {
      const result = current.run(name, () => method.apply(implementation, args))
      return isAsyncIterable(result) ? iterateInside(name, result) : result
    }
  }
  return named as T
}
