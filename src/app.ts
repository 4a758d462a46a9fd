// buildApp assembles the fastify instance from its dependencies. It is pure: no listening, no
// cron, no process.env. server.ts wires the process; tests call buildApp and use inject().
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import type { Config } from './config.js'
import type { Db } from './db/index.js'
import { AccessLog } from './http/access-log.js'
import auth from './http/auth.js'
import hardening from './http/hardening.js'
import { healthRoutes } from './http/health.js'
import idempotency from './modules/idempotency/plugin.js'
import { createIdempotencyPrune } from './modules/idempotency/prune-job.js'
import { createIdempotencyService } from './modules/idempotency/service.js'
import metricsRoutes from './http/metrics.js'
import openapi from './http/openapi.js'
import problems, { sendClientProblem, sendFrameworkProblem } from './http/problems.js'
import validation from './http/validation.js'
import { loggerOptions } from './logging.js'
import { adminRoutes } from './modules/admin/routes.js'
import { createAdminService } from './modules/admin/service.js'
import { createOAuthState } from './modules/boards/oauth-state.js'
import { createRequestLimiter } from './modules/boards/request-limiter.js'
import { boardRoutes } from './modules/boards/routes.js'
import { integrationRoutes } from './modules/integrations/routes.js'
import { createIntegrationService } from './modules/integrations/service.js'
import { dictionaryRoutes } from './modules/dictionaries/routes.js'
import { createPublicationTypes } from './modules/dictionaries/publication-types.js'
import { createDictionaryRefresh } from './modules/dictionaries/refresh-job.js'
import { createDictionaryService, type DictionaryService } from './modules/dictionaries/service.js'
import type { PeriodicJob } from './periodic-job.js'
import { createRetention, type RetentionResult } from './retention-job.js'
import { jobRoutes } from './modules/jobs/routes.js'
import { createJobService } from './modules/jobs/service.js'
import { publicationRoutes } from './modules/publications/routes.js'
import { createPublicationService } from './modules/publications/service.js'
import { candidateRoutes, candidateSchemas } from './modules/candidates/routes.js'
import { createCandidateService } from './modules/candidates/service.js'
import { syncRoutes } from './modules/sync/routes.js'
import { webhookRoutes } from './modules/webhooks/routes.js'
import { createWebhookService } from './modules/webhooks/service.js'
import { createDispatcher, type Dispatcher } from './outbox/dispatcher.js'
import { createOutcomeSharer } from './outbox/outcomes.js'
import { DeliverySchema } from './modules/webhooks/schemas.js'
import { createSyncService } from './modules/sync/service.js'
import { createSyncRunner } from './sync/runner.js'
import { createScheduler, type Scheduler } from './sync/scheduler.js'
import { AgentPool } from './boards/http.js'
import { createBoardRegistry, type BoardRegistry } from './boards/registry.js'
import type { SecretBox } from './crypto/secrets.js'
import { createOutboundPolicy, type Resolve } from './net/outbound.js'
import { createMetrics, type Metrics } from './metrics/registry.js'

export interface AppDeps {
  config: Config
  db: Db
  /** seals board credentials; server.ts resolves the key (SECRETS_KEY or the embedded key file) */
  secrets: SecretBox
  /** a pino logger to use (tests pass one that writes to memory); default: one from config */
  logger?: FastifyBaseLogger
  /** board adapters; default: the registry built from config */
  boards?: BoardRegistry
  /** how tenants' host names are resolved for the outbound policy; default: the system's resolver (tests pass their own) */
  resolve?: Resolve
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Db
    /** the candidate sync scheduler; server.ts starts it, tests tick it */
    scheduler: Scheduler
    /** the webhook dispatcher; server.ts starts it, tests tick it */
    dispatcher: Dispatcher
    /** the scheduled refresh of the boards' stored catalogues; server.ts starts it, tests tick it */
    dictionaryRefresh: PeriodicJob<{ refreshed: number, failed: number }>
    /** forgets Idempotency-Keys older than 24 hours; server.ts starts it, tests tick it */
    idempotencyPrune: PeriodicJob<number>
    /** prunes old outbox events, delivery attempts and sync runs; server.ts starts it, tests tick it */
    retention: PeriodicJob<RetentionResult>
    /** the catalogues' refreshes that requests started in the background; tests wait for them */
    dictionaries: Pick<DictionaryService, 'idle'>
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** a tenth of the shortest request limit, between 50 ms and a second: a late request is cut off at most 10% late */
const connectionsCheckingInterval = (limits: Config['http']): number =>
  Math.min(1000, Math.max(50, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)))

export function createServices (deps: AppDeps & { log: FastifyBaseLogger, agents: AgentPool, metrics: Metrics }) {
  const { metrics } = deps
  const every = deps.boards ?? createBoardRegistry({
    config: deps.config.boards,
    agents: deps.agents,
    limiterFor: board => createRequestLimiter({ db: deps.db, board }),
    observers: { request: metrics.boardRequest, tokenRefresh: metrics.tokenRefresh }
  })
  // SANDBOX_ENABLED=false: the sandbox is not offered; its stored integrations are refused as a board turned off
  const boards: BoardRegistry = deps.config.sandbox.enabled ? every : new Map([...every].filter(([id]) => id !== 'sandbox'))
  const oauthState = createOAuthState(deps.secrets)
  const integrations = createIntegrationService({ db: deps.db, boards, secrets: deps.secrets, oauthState, log: deps.log.child({ module: 'integrations' }) })
  const dictionaries = createDictionaryService({ db: deps.db, integrations, boards, config: deps.config.dictionaries, log: deps.log.child({ module: 'dictionaries' }) })
  const publicationTypes = createPublicationTypes({ integrations, cacheMs: deps.config.publicationTypesCacheMs, log: deps.log.child({ module: 'publication-types' }) })
  // a job edit is pushed by the publications, which are built after the jobs they read: bound late
  let pushJobEdit: ((tenantId: string, jobId: string, actor: string) => Promise<void>) | undefined
  const jobs = createJobService({ db: deps.db, onEdited: async (tenantId, jobId, actor) => { await pushJobEdit?.(tenantId, jobId, actor) } })
  // the scheduler is built after the publications it pokes: bound late
  let scheduler: Scheduler | undefined
  const publications = createPublicationService({
    db: deps.db, boards, integrations, jobs, dictionaries, log: deps.log.child({ module: 'publications' }),
    onDue: () => scheduler?.poke(),
    postingCheckMs: deps.config.sync.postingCheckMs,
    onQuotaSpent: integrationId => { publicationTypes.forget(integrationId) }
  })
  pushJobEdit = publications.pushJobEdit
  // every URL a tenant gives passes it, at registration and at connection
  const outbound = createOutboundPolicy({ allow: deps.config.outboundAllow, resolve: deps.resolve })
  const outcomes = createOutcomeSharer({ db: deps.db, integrations, log: deps.log.child({ module: 'outcomes' }), backoffMs: deps.config.webhookBackoffMs })
  const idempotency = createIdempotencyService({ db: deps.db, secrets: deps.secrets })
  const candidates = createCandidateService({ db: deps.db, boards, integrations, jobs, outcomes, resumeMaxBytes: deps.config.resumeMaxBytes, photoMaxBytes: deps.config.photoMaxBytes, identityLocksMax: deps.config.sync.identityLocksMax, idempotency })
  const runner = createSyncRunner({ db: deps.db, boards, integrations, publications, candidates, config: deps.config.sync, log: deps.log.child({ module: 'sync' }), metrics, applicationsPerTenant: { sandbox: deps.config.sandbox.applicantsPerTenant } })
  scheduler = createScheduler({ db: deps.db, runner, publications, config: deps.config.sync, log: deps.log.child({ module: 'scheduler' }), metrics })
  const dispatcher = createDispatcher({ db: deps.db, secrets: deps.secrets, log: deps.log.child({ module: 'webhooks' }), backoffMs: deps.config.webhookBackoffMs, outcomes, outbound, metrics })
  metrics.watch({ oldestDueSyncSeconds: scheduler.oldestDueSeconds, outboxBacklog: dispatcher.backlog, pendingOutcomeShares: outcomes.pending })
  return {
    boards,
    oauthState,
    idempotency,
    idempotencyPrune: createIdempotencyPrune({ idempotency, log: deps.log.child({ module: 'idempotency' }) }),
    retention: createRetention({ db: deps.db, config: deps.config.retention, log: deps.log.child({ module: 'retention' }) }),
    admin: createAdminService({ db: deps.db, adminApiKey: deps.config.adminApiKey, integrations, log: deps.log.child({ module: 'admin' }) }),
    integrations,
    dictionaries,
    publicationTypes,
    dictionaryRefresh: createDictionaryRefresh({ dictionaries, cron: deps.config.dictionaries.refreshCron, log: deps.log.child({ module: 'dictionaries' }) }),
    jobs,
    publications,
    runner,
    scheduler,
    sync: createSyncService({ db: deps.db, scheduler, publications }),
    candidates,
    webhooks: createWebhookService({ db: deps.db, secrets: deps.secrets, outbound, maxPerTenant: deps.config.webhooksPerTenantMax }),
    dispatcher
  }
}

export type Services = ReturnType<typeof createServices>

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps
  const app = Fastify({
    loggerInstance: deps.logger ?? pino(loggerOptions(config.logLevel)),
    bodyLimit: config.bodyLimit,
    // slow and idle clients are cut off (a server that only inject()s never starts them)
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: config.http.connectionTimeoutMs,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      // node looks for requests over their time this often (30 s by default, longer than the limits)
      connectionsCheckingInterval: connectionsCheckingInterval(config.http)
    },
    // a caller's request id is kept when it looks like one; otherwise we make one
    genReqId: request => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // one access line per request instead of fastify's two (src/http/access-log.ts)
    logController: new AccessLog(),
    // path parameters are validated by the route schemas (a host job id may be 200 characters);
    // the router only stops absurd ones, and says so as problem+json like every other error
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: sendFrameworkProblem,
    clientErrorHandler: sendClientProblem
  }).withTypeProvider<TypeBoxTypeProvider>()

  let closing = false
  app.addHook('onClose', async () => { closing = true })
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onRequest', async (request, reply) => { void reply.header('x-request-id', request.id) })

  app.decorate('config', config)
  app.decorate('db', db)
  const agents = new AgentPool({ connectionsPerAccount: 8, maxAccounts: 1_000 })
  app.addHook('onClose', async () => { await agents.close() })
  const metrics = createMetrics()
  const services = createServices({ ...deps, log: app.log, agents, metrics })

  // schemas shared by several routes first: every one must be known before the validator compiler
  // and the routes are set up
  for (const schema of [...candidateSchemas, DeliverySchema]) app.addSchema(schema)

  // infrastructure first, then the modules
  await app.register(problems)
  await app.register(hardening)
  await app.register(validation, { jsonMaxDepth: config.jsonMaxDepth })
  await app.register(openapi)
  await app.register(metricsRoutes, { metrics, token: config.metricsToken })
  await app.register(auth, { admin: services.admin, failures: config.authFailures })
  // before the routes: it adds the Idempotency-Key header to each POST as it is registered
  await app.register(idempotency, { idempotency: services.idempotency })
  await app.register(healthRoutes, { db, isClosing: () => closing })
  await app.register(adminRoutes, { admin: services.admin })
  await app.register(boardRoutes, { boards: services.boards, oauthState: services.oauthState })
  await app.register(integrationRoutes, { integrations: services.integrations })
  await app.register(jobRoutes, { jobs: services.jobs })
  await app.register(publicationRoutes, { publications: services.publications })
  await app.register(syncRoutes, { sync: services.sync })
  await app.register(candidateRoutes, { candidates: services.candidates })
  await app.register(webhookRoutes, { webhooks: services.webhooks })
  await app.register(dictionaryRoutes, { dictionaries: services.dictionaries, publicationTypes: services.publicationTypes })
  app.decorate('dispatcher', services.dispatcher)
  app.addHook('preClose', async () => { await services.dispatcher.stop() })

  app.decorate('dictionaryRefresh', services.dictionaryRefresh)
  app.decorate('dictionaries', { idle: services.dictionaries.idle })
  // closing waits for the refresh under way, and for refreshes requests started in the background
  app.addHook('preClose', async () => { await services.dictionaryRefresh.stop(); await services.dictionaries.idle() })

  app.decorate('idempotencyPrune', services.idempotencyPrune)
  app.addHook('preClose', async () => { await services.idempotencyPrune.stop() })

  app.decorate('retention', services.retention)
  app.addHook('preClose', async () => { await services.retention.stop() })

  app.decorate('scheduler', services.scheduler)
  // closing waits for the sync runs under way (a started scheduler's cron stops too)
  app.addHook('preClose', async () => { await services.scheduler.stop() })

  return app
}
