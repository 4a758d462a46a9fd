// Every setting of the process, read from the environment in this one place and validated
// against one TypeBox schema. Nothing else in src/ reads process.env. The boards' variables
// (base URLs, HeadHunter's OAuth application) are each board's own: the schema takes them from
// the board registry, and each board is given only its own.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import path from 'node:path'
import { BOARDS, boardEnvProperties, type BoardsConfig } from './boards/registry.js'
import { parseOutboundAllow } from './net/outbound.js'

/** the process's own settings, beside the boards' */
export const ServiceEnvSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], {
    default: 'development',
    description: 'production refuses to start without explicit secrets (ADMIN_API_KEY on Postgres, SECRETS_KEY)'
  }),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1, description: 'address to listen on' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'port to listen on' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'Postgres connection string; unset = embedded PGlite under DATA_DIR' })),
  DATABASE_POOL_MAX: Type.Integer({ default: 10, minimum: 1, maximum: 200, description: 'pg pool size' }),
  DATA_DIR: Type.String({ default: './data', minLength: 1, description: 'where the embedded database and generated keys live' }),
  MIGRATE_ON_START: Type.Boolean({ default: true, description: 'run pending migrations at start (under an advisory lock)' }),
  ADMIN_API_KEY: Type.Optional(Type.String({ minLength: 32, description: 'admin bearer key; unset on the embedded database = generated and printed once' })),
  SECRETS_KEY: Type.Optional(Type.String({
    pattern: '^([A-Za-z0-9_-]+:)?[A-Za-z0-9+/]{43}=?$',
    description: 'AES-256 key for board credentials, base64 (32 bytes), optionally "keyId:base64"'
  })),
  SECRETS_KEY_PREVIOUS: Type.Optional(Type.String({ description: 'comma-separated older "keyId:base64" keys, still accepted for decryption during rotation' })),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'largest accepted request body' }),
  JSON_MAX_DEPTH: Type.Integer({ default: 64, minimum: 2, maximum: 1000, description: 'deepest nesting of objects and arrays a JSON body may have (refused with 400 before it is parsed)' }),
  HEADERS_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, description: "time a client has to send a request's headers (408 and the connection closed after it)" }),
  REQUEST_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100, description: 'time a client has to send a whole request, headers and body (408 and the connection closed after it); at least HEADERS_TIMEOUT_MS' }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ default: 5_000, minimum: 100, description: 'how long an idle keep-alive connection is kept open for its next request' }),
  CONNECTION_TIMEOUT_MS: Type.Integer({ default: 300_000, minimum: 1000, description: 'a connection with no traffic either way for this long is closed; longer than the slowest route (a board call with its retries)' }),
  RESUME_MAX_BYTES: Type.Integer({ default: 20_971_520, minimum: 1024, description: 'largest resume file passed through from a board' }),
  PHOTO_MAX_BYTES: Type.Integer({ default: 5_242_880, minimum: 1024, description: 'largest candidate photo passed through from a board' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, description: 'how long in-flight work may take to finish on SIGTERM' }),
  BOARD_TIMEOUT_MS: Type.Integer({ default: 15_000, minimum: 100, description: 'timeout of one board HTTP request' }),
  BOARD_MAX_RETRIES: Type.Integer({ default: 3, minimum: 0, maximum: 10, description: 'retries of a board request on 429/5xx/network errors' }),
  BOARD_MAX_RETRY_AFTER_MS: Type.Integer({ default: 120_000, minimum: 0, description: 'longest Retry-After the client waits before giving up' }),
  SCHEDULER_ENABLED: Type.Boolean({ default: true, description: 'run the candidate sync scheduler in this process' }),
  SCHEDULER_CRON: Type.String({ default: '*/15 * * * * *', minLength: 9, description: 'node-cron expression of the scheduler tick (with seconds)' }),
  SYNC_BATCH_SIZE: Type.Integer({ default: 20, minimum: 1, maximum: 1000, description: 'due publications claimed per tick' }),
  SYNC_CONCURRENCY: Type.Integer({ default: 4, minimum: 1, maximum: 100, description: 'sync runs at once in this process' }),
  SYNC_CONCURRENCY_PER_ACCOUNT: Type.Integer({ default: 1, minimum: 1, maximum: 20, description: 'sync runs at once per board account (integration) in this process' }),
  SYNC_LEASE_SECONDS: Type.Integer({ default: 120, minimum: 5, maximum: 3600, description: 'a claimed publication is ours this long; renewed each page; an expired lease is taken over' }),
  SYNC_RETRY_SECONDS: Type.Integer({ default: 60, minimum: 1, description: 'a failed run is retried after this long' }),
  SYNC_STORE_BATCH: Type.Integer({ default: 500, minimum: 1, maximum: 10_000, description: 'applications stored per transaction: board pages are gathered up to this many (the next page is fetched meanwhile)' }),
  SYNC_IDENTITY_LOCKS_MAX: Type.Integer({ default: 500, minimum: 0, maximum: 10_000, description: 'a stored batch locks each email and phone it brings, so batches of other people store side by side; one bringing more than this takes the tenant\'s candidate lock alone (Postgres keeps every lock in one table of max_locks_per_transaction × max_connections, 6,400 by default)' }),
  POSTING_CHECK_SECONDS: Type.Integer({ default: 300, minimum: 10, maximum: 86_400, description: "how often a posting under the board's review (moderation) is asked about; a posting whose candidate sync is off is asked once per sync interval, a synced one with each sync" }),
  MANUAL_SYNC_MIN_INTERVAL_SECONDS: Type.Integer({ default: 60, minimum: 0, description: 'POST /v1/publications/{id}/sync at most this often per publication' }),
  WEBHOOKS_PER_TENANT_MAX: Type.Integer({ default: 10, minimum: 1, maximum: 1000, description: 'webhook endpoints a tenant may have; one more is refused (409)' }),
  OUTBOUND_ALLOW: Type.String({
    default: '',
    description: 'comma-separated CIDRs (10.1.2.0/24, fd00::/8, a bare address) or host names that webhook URLs may reach although internal; everything listed becomes reachable by every tenant'
  }),
  WEBHOOK_BACKOFF_SECONDS: Type.Integer({ default: 10, minimum: 1, description: 'first retry delay of a webhook delivery; doubles per attempt, at most an hour, for 24 hours' }),
  DICTIONARY_REFRESH_ENABLED: Type.Boolean({ default: true, description: 'run the refresh of the boards\' stored catalogues (hh areas, …) in this process' }),
  DICTIONARY_REFRESH_CRON: Type.String({ default: '0 */10 * * * *', minLength: 9, description: 'node-cron expression (with seconds) of the look for catalogues due a refresh' }),
  DICTIONARY_REFRESH_HOURS: Type.Integer({ default: 24, minimum: 24, maximum: 8760, description: 'a board-wide catalogue is asked of the board again at most this often (conditionally where the board supports it)' }),
  DICTIONARY_ACCOUNT_TTL_SECONDS: Type.Integer({ default: 300, minimum: 1, maximum: 86_400, description: 'an account\'s own catalogue (hh addresses, managers) is fetched again when older than this' }),
  RETENTION_ENABLED: Type.Boolean({ default: true, description: 'run the retention job (the pruning of old outbox events, delivery attempts and sync runs) in this process' }),
  RETENTION_CRON: Type.String({ default: '0 17 * * * *', minLength: 9, description: 'node-cron expression (with seconds) of the retention job; hourly by default' }),
  RETENTION_EVENTS_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 3650, description: 'outbox events older than this with no delivery still pending are deleted, with their deliveries and attempts' }),
  RETENTION_ATTEMPTS_DAYS: Type.Integer({ default: 7, minimum: 1, maximum: 3650, description: 'webhook delivery attempts older than this are deleted (their delivery keeps its outcome)' }),
  RETENTION_SYNC_RUNS_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 3650, description: "finished sync runs older than this are deleted, but each publication's last successful run and every run after it" }),
  RETENTION_BATCH: Type.Integer({ default: 500, minimum: 1, maximum: 10_000, description: 'rows deleted per statement by the retention job (each a short transaction that skips locked rows)' }),
  RETENTION_MAX_BATCHES: Type.Integer({ default: 200, minimum: 1, maximum: 100_000, description: 'statements per table in one retention tick; what is left waits for the next tick' }),
  AUTH_FAILURES_MAX: Type.Integer({ default: 20, minimum: 1, maximum: 100_000, description: 'failed authentications (missing, unknown or revoked key) allowed per client address and per key prefix in one window; past it 429 with Retry-After, counted in this process only' }),
  AUTH_FAILURES_WINDOW_SECONDS: Type.Integer({ default: 60, minimum: 1, maximum: 86_400, description: 'the window of AUTH_FAILURES_MAX' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'when set, GET /metrics needs "Authorization: Bearer <token>"; unset = open to whoever reaches the port' })),
  SANDBOX_ENABLED: Type.Boolean({ default: true, description: 'offer the built-in sandbox board; false = it cannot be installed and its existing integrations neither publish nor sync' }),
  SANDBOX_APPLICANTS_PER_TENANT: Type.Integer({ default: 1000, minimum: 0, maximum: 1_000_000, description: 'sandbox applicants stored per tenant at most (all its sandbox publications together); the sandbox serves no more once a tenant has them' }),
  PUBLICATION_TYPES_CACHE_SECONDS: Type.Integer({ default: 60, minimum: 0, maximum: 3600, description: 'the paid publications left per type are asked of the board at most this often per integration (0 = every time)' })
})

/** every variable the process reads: its own and each board's */
export const EnvSchema = Type.Object({ ...ServiceEnvSchema.properties, ...boardEnvProperties() })

type Env = Static<typeof ServiceEnvSchema>

export interface Config {
  production: boolean
  host: string
  port: number
  logLevel: Env['LOG_LEVEL']
  database: { url: string | undefined, poolMax: number, migrateOnStart: boolean }
  dataDir: string
  adminApiKey: string | undefined
  secretsKey: string | undefined
  secretsKeyPrevious: string[]
  bodyLimit: number
  /** deepest nesting of a JSON body */
  jsonMaxDepth: number
  /** the HTTP server's limits on slow and idle clients */
  http: { headersTimeoutMs: number, requestTimeoutMs: number, keepAliveTimeoutMs: number, connectionTimeoutMs: number }
  resumeMaxBytes: number
  photoMaxBytes: number
  shutdownTimeoutMs: number
  webhookBackoffMs: number
  webhooksPerTenantMax: number
  /** OUTBOUND_ALLOW's entries, each a CIDR or a host name */
  outboundAllow: string[]
  dictionaries: {
    refreshEnabled: boolean
    refreshCron: string
    refreshMs: number
    accountTtlMs: number
  }
  publicationTypesCacheMs: number
  /** what the retention job prunes and how (src/retention-job.ts) */
  retention: { enabled: boolean, cron: string, eventsDays: number, attemptsDays: number, syncRunsDays: number, batch: number, maxBatches: number }
  /** failed authentications allowed per client address and per key prefix in one window */
  authFailures: { max: number, windowMs: number }
  metricsToken: string | undefined
  sandbox: { enabled: boolean, applicantsPerTenant: number }
  sync: {
    schedulerEnabled: boolean
    cron: string
    batchSize: number
    concurrency: number
    concurrencyPerAccount: number
    leaseMs: number
    retryMs: number
    storeBatch: number
    identityLocksMax: number
    manualMinIntervalMs: number
    /** a posting under the board's review is checked this often */
    postingCheckMs: number
  }
  boards: BoardsConfig
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function describeValue (value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/** Turns an environment into a Config, or throws a ConfigError naming every bad variable. */
export function loadConfig (env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const parsed = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw))
  if (!Value.Check(EnvSchema, parsed)) {
    const problems = new Map<string, string>()
    for (const error of Value.Errors(EnvSchema, parsed)) {
      const name = error.instancePath.replace(/^\//, '')
      if (problems.has(name)) continue
      // secrets are named, never echoed
      const shown = /KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(name) ? '' : ` (got "${describeValue((parsed as Record<string, unknown>)[name])}")`
      problems.set(name, `${name} ${error.message}${shown}`)
    }
    throw new ConfigError(`Invalid configuration: ${[...problems.values()].join('; ')}`)
  }
  const e = parsed as Env
  const production = e.NODE_ENV === 'production'
  if (production && e.SECRETS_KEY === undefined) {
    throw new ConfigError('Invalid configuration: SECRETS_KEY is required when NODE_ENV=production')
  }
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    // the whole request includes its headers (node refuses to start otherwise)
    throw new ConfigError(`Invalid configuration: HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS})`)
  }
  if (production && e.DATABASE_URL !== undefined && e.ADMIN_API_KEY === undefined) {
    throw new ConfigError('Invalid configuration: ADMIN_API_KEY is required when NODE_ENV=production')
  }
  const outboundAllow = e.OUTBOUND_ALLOW.split(',').map(s => s.trim()).filter(s => s !== '')
  const badAllow = parseOutboundAllow(outboundAllow).bad
  if (badAllow.length > 0) throw new ConfigError(`Invalid configuration: OUTBOUND_ALLOW has entries that are neither a CIDR nor a host name: ${badAllow.map(describeValue).join(', ')}`)
  return {
    production,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, migrateOnStart: e.MIGRATE_ON_START },
    dataDir: path.resolve(e.DATA_DIR),
    adminApiKey: e.ADMIN_API_KEY,
    secretsKey: e.SECRETS_KEY,
    secretsKeyPrevious: (e.SECRETS_KEY_PREVIOUS ?? '').split(',').map(s => s.trim()).filter(s => s !== ''),
    bodyLimit: e.BODY_LIMIT_BYTES,
    jsonMaxDepth: e.JSON_MAX_DEPTH,
    http: {
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS
    },
    resumeMaxBytes: e.RESUME_MAX_BYTES,
    photoMaxBytes: e.PHOTO_MAX_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    webhookBackoffMs: e.WEBHOOK_BACKOFF_SECONDS * 1000,
    webhooksPerTenantMax: e.WEBHOOKS_PER_TENANT_MAX,
    outboundAllow,
    dictionaries: {
      refreshEnabled: e.DICTIONARY_REFRESH_ENABLED,
      refreshCron: e.DICTIONARY_REFRESH_CRON,
      refreshMs: e.DICTIONARY_REFRESH_HOURS * 3_600_000,
      accountTtlMs: e.DICTIONARY_ACCOUNT_TTL_SECONDS * 1000
    },
    publicationTypesCacheMs: e.PUBLICATION_TYPES_CACHE_SECONDS * 1000,
    retention: {
      enabled: e.RETENTION_ENABLED,
      cron: e.RETENTION_CRON,
      eventsDays: e.RETENTION_EVENTS_DAYS,
      attemptsDays: e.RETENTION_ATTEMPTS_DAYS,
      syncRunsDays: e.RETENTION_SYNC_RUNS_DAYS,
      batch: e.RETENTION_BATCH,
      maxBatches: e.RETENTION_MAX_BATCHES
    },
    authFailures: { max: e.AUTH_FAILURES_MAX, windowMs: e.AUTH_FAILURES_WINDOW_SECONDS * 1000 },
    metricsToken: e.METRICS_TOKEN,
    sandbox: { enabled: e.SANDBOX_ENABLED, applicantsPerTenant: e.SANDBOX_APPLICANTS_PER_TENANT },
    sync: {
      schedulerEnabled: e.SCHEDULER_ENABLED,
      cron: e.SCHEDULER_CRON,
      batchSize: e.SYNC_BATCH_SIZE,
      concurrency: e.SYNC_CONCURRENCY,
      concurrencyPerAccount: e.SYNC_CONCURRENCY_PER_ACCOUNT,
      leaseMs: e.SYNC_LEASE_SECONDS * 1000,
      retryMs: e.SYNC_RETRY_SECONDS * 1000,
      storeBatch: e.SYNC_STORE_BATCH,
      identityLocksMax: e.SYNC_IDENTITY_LOCKS_MAX,
      manualMinIntervalMs: e.MANUAL_SYNC_MIN_INTERVAL_SECONDS * 1000,
      postingCheckMs: e.POSTING_CHECK_SECONDS * 1000
    },
    boards: {
      http: { timeoutMs: e.BOARD_TIMEOUT_MS, maxRetries: e.BOARD_MAX_RETRIES, maxRetryAfterMs: e.BOARD_MAX_RETRY_AFTER_MS },
      // each board's own variables, already checked against its schema as part of EnvSchema
      settings: Object.fromEntries(BOARDS.map(board => [
        board.id,
        Object.fromEntries(Object.keys(board.env.properties).map(key => [key, (parsed as Record<string, unknown>)[key]]))
      ])) as BoardsConfig['settings']
    }
  }
}
