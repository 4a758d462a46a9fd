// buildApp assembles the fastify instance from its dependencies. It is pure: no listening, no
// cron, no process.env. server.ts wires the process; tests call buildApp and use inject().
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import { pino } from 'pino'
import type { Config } from './config.js'
import type { Db } from './db/index.js'
import auth from './http/auth.js'
import { healthRoutes } from './http/health.js'
import metrics from './http/metrics.js'
import openapi from './http/openapi.js'
import problems, { sendFrameworkProblem } from './http/problems.js'
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

export interface AppDeps {
  config: Config
  db: Db
  /** seals board credentials; server.ts resolves the key (SECRETS_KEY or the embedded key file) */
  secrets: SecretBox
  /** a pino logger to use (tests pass one that writes to memory); default: one from config */
  logger?: FastifyBaseLogger
  /** board adapters; default: the registry built from config */
  boards?: BoardRegistry
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
    /** the catalogues' refreshes that requests started in the background; tests wait for them */
    dictionaries: Pick<DictionaryService, 'idle'>
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function createServices (deps: AppDeps & { log: FastifyBaseLogger, agents: AgentPool }) {
  const boards = deps.boards ?? createBoardRegistry({ config: deps.config.boards, agents: deps.agents, limiterFor: board => createRequestLimiter({ db: deps.db, board }) })
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
  const outcomes = createOutcomeSharer({ db: deps.db, integrations, log: deps.log.child({ module: 'outcomes' }), backoffMs: deps.config.webhookBackoffMs })
  const candidates = createCandidateService({ db: deps.db, boards, integrations, jobs, outcomes, resumeMaxBytes: deps.config.resumeMaxBytes, photoMaxBytes: deps.config.photoMaxBytes, identityLocksMax: deps.config.sync.identityLocksMax })
  const runner = createSyncRunner({ db: deps.db, boards, integrations, publications, candidates, config: deps.config.sync, log: deps.log.child({ module: 'sync' }) })
  scheduler = createScheduler({ db: deps.db, runner, publications, config: deps.config.sync, log: deps.log.child({ module: 'scheduler' }) })
  return {
    boards,
    oauthState,
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
    webhooks: createWebhookService({ db: deps.db, secrets: deps.secrets }),
    dispatcher: createDispatcher({ db: deps.db, secrets: deps.secrets, log: deps.log.child({ module: 'webhooks' }), backoffMs: deps.config.webhookBackoffMs, outcomes })
  }
}

export type Services = ReturnType<typeof createServices>

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps
  const app = Fastify({
    loggerInstance: deps.logger ?? pino(loggerOptions(config.logLevel)),
    bodyLimit: config.bodyLimit,
    // a caller's request id is kept when it looks like one; otherwise we make one
    genReqId: request => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // path parameters are validated by the route schemas (a host job id may be 200 characters);
    // the router only stops absurd ones, and says so as problem+json like every other error
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: sendFrameworkProblem
  }).withTypeProvider<TypeBoxTypeProvider>()

  let closing = false
  app.addHook('onClose', async () => { closing = true })
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onRequest', async (request, reply) => { void reply.header('x-request-id', request.id) })

  app.decorate('config', config)
  app.decorate('db', db)
  const agents = new AgentPool({ connectionsPerAccount: 8, maxAccounts: 1_000 })
  app.addHook('onClose', async () => { await agents.close() })
  const services = createServices({ ...deps, log: app.log, agents })

  // schemas shared by several routes first: every one must be known before the validator compiler
  // and the routes are set up
  for (const schema of [...candidateSchemas, DeliverySchema]) app.addSchema(schema)

  // infrastructure first, then the modules
  await app.register(problems)
  await app.register(validation)
  await app.register(openapi)
  await app.register(metrics)
  await app.register(auth, { admin: services.admin })
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

  app.decorate('scheduler', services.scheduler)
  // closing waits for the sync runs under way (a started scheduler's cron stops too)
  app.addHook('preClose', async () => { await services.scheduler.stop() })

  return app
}
