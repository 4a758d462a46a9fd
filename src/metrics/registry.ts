// Every Prometheus metric jobsync exposes, in one registry per app instance (several apps in one
// test process do not collide). Counters and histograms are this process's: each replica counts
// what it did. Gauges of the database's state (what is due, what waits to go out) are read from
// Postgres when /metrics is scraped, so every replica shows the same figure: dashboards take max().
// Modules record through the narrow methods here, never through prom-client's objects.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { BoardRequestSample } from '../boards/http.js'

/** the figures read from the database at scrape time, each through the service that owns its table */
export interface StateFigures {
  /** seconds the publication due for a sync the longest has waited for one (0: none waits) */
  oldestDueSyncSeconds (): Promise<number>
  /** deliveries waiting to go out to active webhooks, and the age of the oldest one's event in seconds */
  outboxBacklog (): Promise<{ pending: number, oldestSeconds: number }>
  /** outcomes waiting to be sent to the boards */
  pendingOutcomeShares (): Promise<number>
}

type Figures = [number, { pending: number, oldestSeconds: number }, number]

export type SyncRunOutcome = 'succeeded' | 'failed' | 'lease_lost'
export type TokenRefreshOutcome = 'refreshed' | 'reused' | 'failed'
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed'

/** every metric name /metrics exposes beside Node's process metrics (ops/ uses only these) */
export const METRIC_NAMES = [
  'http_request_duration_seconds',
  'jobsync_sync_runs_total',
  'jobsync_applications_stored_total',
  'jobsync_sync_oldest_due_seconds',
  'jobsync_sync_lease_takeovers_total',
  'jobsync_board_request_duration_seconds',
  'jobsync_token_refreshes_total',
  'jobsync_outbox_backlog',
  'jobsync_outbox_oldest_event_age_seconds',
  'jobsync_webhook_deliveries_total',
  'jobsync_outcome_shares_pending'
] as const

export function createMetrics () {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const httpLatency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers
  })
  const syncRuns = new Counter({
    name: 'jobsync_sync_runs_total',
    help: 'Candidate sync runs finished by this process, by board and outcome (succeeded, failed, lease_lost)',
    labelNames: ['board', 'outcome'],
    registers
  })
  const applicationsStored = new Counter({
    name: 'jobsync_applications_stored_total',
    help: 'Applications stored by sync runs of this process, by board and change (created, updated)',
    labelNames: ['board', 'change'],
    registers
  })
  const leaseTakeovers = new Counter({
    name: 'jobsync_sync_lease_takeovers_total',
    help: 'Publications this process claimed from an owner whose lease had expired (a replica died or stalled mid-run)',
    registers
  })
  const boardRequests = new Histogram({
    name: 'jobsync_board_request_duration_seconds',
    help: 'Board HTTP requests (each attempt, retries included) by board, adapter operation and status (an HTTP status, timeout or network)',
    labelNames: ['board', 'operation', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers
  })
  const tokenRefreshes = new Counter({
    name: 'jobsync_token_refreshes_total',
    help: 'Stored board credentials renewed by this process (a refreshed token, a new login), by board and outcome (refreshed; reused: another caller had renewed them; failed)',
    labelNames: ['board', 'outcome'],
    registers
  })
  const deliveries = new Counter({
    name: 'jobsync_webhook_deliveries_total',
    help: 'Webhook delivery attempts by this process, by outcome (delivered; retrying: refused or unreachable, tried again; failed: given up)',
    labelNames: ['outcome'],
    registers
  })

  // the database's figures: one read per scrape, shared by the gauges that show it
  let figures: StateFigures | undefined
  // (prom-client collects every metric at once, so the gauges of one scrape all find it under way).
  // A database that does not answer leaves them at their last value; /health/ready says it is down.
  let scrape: Promise<Figures | undefined> | undefined
  const read = async (): Promise<Figures | undefined> => {
    if (figures === undefined) return undefined
    scrape ??= Promise.all([figures.oldestDueSyncSeconds(), figures.outboxBacklog(), figures.pendingOutcomeShares()])
      .catch(() => undefined)
      .finally(() => { scrape = undefined })
    return await scrape
  }
  const gauge = (name: string, help: string, pick: (figures: Figures) => number) => new Gauge({
    name,
    help,
    registers,
    async collect () {
      const values = await read()
      if (values !== undefined) this.set(pick(values))
    }
  })
  gauge('jobsync_sync_oldest_due_seconds', 'Seconds the publication due for a sync the longest has waited to be claimed (0 when none waits)', ([oldest]) => oldest)
  gauge('jobsync_outbox_backlog', 'Webhook deliveries waiting to go out to active webhooks', ([, outbox]) => outbox.pending)
  gauge('jobsync_outbox_oldest_event_age_seconds', 'Age in seconds of the oldest event waiting to go out to an active webhook (0 when none waits)', ([, outbox]) => outbox.oldestSeconds)
  gauge('jobsync_outcome_shares_pending', 'Outcomes (hired, rejected, invited) waiting to be sent to the boards', ([, , shares]) => shares)

  return {
    registry,

    /** the services the database gauges read from; set once they are built */
    watch (source: StateFigures): void {
      figures = source
    },

    httpRequest (method: string, route: string, statusCode: number, seconds: number): void {
      httpLatency.observe({ method, route, status_code: String(statusCode) }, seconds)
    },

    syncRun (board: string, outcome: SyncRunOutcome): void {
      syncRuns.inc({ board, outcome })
    },

    applicationsStored (board: string, counts: { created: number, updated: number }): void {
      if (counts.created > 0) applicationsStored.inc({ board, change: 'created' }, counts.created)
      if (counts.updated > 0) applicationsStored.inc({ board, change: 'updated' }, counts.updated)
    },

    leaseTakenOver (): void {
      leaseTakeovers.inc()
    },

    boardRequest ({ board, operation, status, seconds }: BoardRequestSample): void {
      boardRequests.observe({ board, operation, status }, seconds)
    },

    tokenRefresh (board: string, outcome: TokenRefreshOutcome): void {
      tokenRefreshes.inc({ board, outcome })
    },

    delivery (outcome: DeliveryOutcome): void {
      deliveries.inc({ outcome })
    }
  }
}

export type Metrics = ReturnType<typeof createMetrics>
