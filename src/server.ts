// Process entry: config → database → migrations → app.listen; graceful shutdown on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createDb } from './db/index.js'
import { migrateToLatest } from './db/migrate.js'
import { loggerOptions } from './logging.js'
import { createAdminService } from './modules/admin/service.js'
import { resealUnboundCredentials } from './modules/integrations/service.js'
import { createSecretBox, loadOrCreateKeyFile } from './crypto/secrets.js'

function readConfig (): Config {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      // one clear line naming the variable, no stack
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

async function main (): Promise<void> {
  const config = readConfig()
  // everything the process creates (the embedded database's files, the generated key) is its
  // user's alone: files 0600, directories 0700
  process.umask(0o077)
  const logger = pino(loggerOptions(config.logLevel))
  const handle = await createDb({ url: config.database.url, poolMax: config.database.poolMax, dataDir: config.dataDir })
  logger.info({ database: handle.kind, dataDir: handle.kind === 'embedded' ? config.dataDir : undefined }, 'database opened')

  if (config.database.migrateOnStart) {
    const applied = await migrateToLatest(handle.db)
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema up to date')
  }

  if (handle.kind === 'embedded') {
    const adminKey = await createAdminService({ db: handle.db, adminApiKey: config.adminApiKey }).bootstrapAdminKey()
    if (adminKey !== undefined) {
      // printed once, on the first start, to the terminal only (never to the log stream)
      process.stdout.write(`\n  jobsync admin API key (shown once, store it now):\n  ${adminKey}\n\n`)
    }
  }

  // replicas on one Postgres must share the key, so only the embedded database may make its own
  let secretsKey = config.secretsKey
  if (secretsKey === undefined) {
    if (handle.kind !== 'embedded') throw new ConfigError('Invalid configuration: SECRETS_KEY is required with DATABASE_URL (replicas must share it)')
    secretsKey = await loadOrCreateKeyFile(config.dataDir)
  }
  const secrets = createSecretBox(secretsKey, config.secretsKeyPrevious)
  // credentials sealed before rows were bound in are re-sealed now: the migration had no key to
  await resealUnboundCredentials({ db: handle.db, secrets, log: logger })

  const app = await buildApp({ config, db: handle.db, secrets, logger })
  app.addHook('onClose', async () => { await handle.close() })

  closeWithGrace({ delay: config.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
    if (err !== undefined) logger.error({ err }, 'shutting down after an error')
    else logger.info({ signal }, 'shutting down')
    // stops accepting, lets in-flight requests finish, then runs onClose hooks (database)
    await app.close()
  })

  await app.listen({ host: config.host, port: config.port })
  app.dispatcher.start()
  app.idempotencyPrune.start()
  if (config.retention.enabled) app.retention.start()
  if (config.dictionaries.refreshEnabled) app.dictionaryRefresh.start()
  if (config.sync.schedulerEnabled) {
    app.scheduler.start()
    logger.info({ cron: config.sync.cron, owner: app.scheduler.owner }, 'sync scheduler started')
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`jobsync failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
