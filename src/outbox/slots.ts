// Delivery slots shared fairly between tenants. The dispatcher does not wait for a round's slowest
// call: each claimed item holds a slot while it runs, and the next round claims what the free slots
// allow. Which candidates get the free slots is decided here, by water-filling: the tenant holding
// the fewest slots is served next, one item at a time. A tenant may go beyond its fair share
// (the slots less the reserve, divided by the tenants with work) only while `reserve` slots stay
// free for a tenant that turns up, and one key (a webhook endpoint) never holds more than `perKey`. So a tenant
// whose endpoint drips holds at most its endpoints' share of slots, each for at most an attempt's
// deadline, and another tenant's event finds a free slot at once.

export interface SlotCandidate {
  tenantId: string
  /** what one caller may not flood: a webhook endpoint (the tenant itself where there is none) */
  key: string
}

export interface SlotsOptions {
  total: number
  /** slots kept free for tenants with nothing running, once a tenant is past its fair share */
  reserve: number
  perKey: number
  /** told when a slot frees (more may be claimed now) */
  onFree?: () => void
}

export function createSlots ({ total, reserve, perKey, onFree }: SlotsOptions) {
  const byTenant = new Map<string, number>()
  const byKey = new Map<string, number>()
  const running = new Set<Promise<void>>()
  const count = (map: Map<string, number>, id: string) => map.get(id) ?? 0
  const add = (map: Map<string, number>, id: string, n: number) => {
    const next = count(map, id) + n
    if (next === 0) map.delete(id); else map.set(id, next)
  }

  const slots = {
    get free (): number { return total - running.size },

    /** keys at their limit: candidates of theirs cannot be picked */
    fullKeys (): string[] { return [...byKey].filter(([, n]) => n >= perKey).map(([key]) => key) },

    /**
     * The candidates (oldest first) the free slots go to: fairly between tenants, within each
     * tenant in the order given.
     */
    pick<C extends SlotCandidate> (candidates: readonly C[]): C[] {
      const queues = new Map<string, C[]>()
      for (const c of candidates) queues.set(c.tenantId, [...(queues.get(c.tenantId) ?? []), c])
      const tenants = new Set([...queues.keys(), ...byTenant.keys()])
      // the reserve is no tenant's share: it is there for the next one
      const share = Math.max(1, Math.ceil((total - reserve) / Math.max(1, tenants.size)))
      const held = new Map(byTenant)
      const keys = new Map(byKey)
      const picked: C[] = []
      let free = slots.free
      while (free > 0) {
        // the tenant holding fewest slots that may take one more
        let best: { tenantId: string, item: C } | undefined
        for (const [tenantId, queue] of queues) {
          const holds = count(held, tenantId)
          if (holds >= share && free - 1 < reserve) continue
          const item = queue.find(c => count(keys, c.key) < perKey)
          if (item === undefined) continue
          if (best === undefined || holds < count(held, best.tenantId)) best = { tenantId, item }
        }
        if (best === undefined) break
        const queue = queues.get(best.tenantId) ?? []
        queue.splice(queue.indexOf(best.item), 1)
        add(held, best.tenantId, 1)
        add(keys, best.item.key, 1)
        picked.push(best.item)
        free--
      }
      return picked
    },

    /** runs the work in a slot; resolves when it is over (the work must not throw) */
    run (candidate: SlotCandidate, work: () => Promise<void>): Promise<void> {
      add(byTenant, candidate.tenantId, 1)
      add(byKey, candidate.key, 1)
      const done: Promise<void> = work().finally(() => {
        add(byTenant, candidate.tenantId, -1)
        add(byKey, candidate.key, -1)
        running.delete(done)
        onFree?.()
      })
      running.add(done)
      return done
    },

    /** until nothing runs */
    async idle (): Promise<void> {
      while (running.size > 0) await Promise.all(running)
    }
  }
  return slots
}

export type Slots = ReturnType<typeof createSlots>
