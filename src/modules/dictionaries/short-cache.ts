// A small map whose entries are forgotten after `ttlMs`, for what this process may trust for a
// moment (a search must not pay a round trip for facts that hardly ever change). Bounded: when
// full it starts over.
const MAX_ENTRIES = 10_000

export class ShortCache<K, V> {
  private readonly entries = new Map<K, { value: V, until: number }>()

  constructor (private readonly ttlMs: number) {}

  get (key: K): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.until > Date.now()) return entry.value
    this.entries.delete(key)
    return undefined
  }

  set (key: K, value: V): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear()
    this.entries.set(key, { value, until: Date.now() + this.ttlMs })
  }

  delete (key: K): void {
    this.entries.delete(key)
  }
}
