import t from 'tap'
import { spawnSync } from 'node:child_process'
import { loadConfig, ConfigError } from '../src/config.js'

t.test('defaults make a working configuration', async t => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.database.url, undefined, 'no DATABASE_URL = embedded database')
  t.match(config.dataDir, /data$/)
  t.equal(config.boards.settings.headhunter.HH_API_URL, 'https://api.hh.ru', "each board's default")
})

t.test('values are converted to their types', async t => {
  const config = loadConfig({ PORT: '8080', MIGRATE_ON_START: 'false', DATABASE_URL: 'postgres://u@h/db', HH_API_URL: 'http://127.0.0.1:9/' })
  t.equal(config.port, 8080)
  t.equal(config.database.migrateOnStart, false)
  t.equal(config.boards.settings.headhunter.HH_API_URL, 'http://127.0.0.1:9/')
})

t.test('a bad value names the variable', async t => {
  t.throws(() => loadConfig({ PORT: 'abc' }), { name: 'ConfigError', message: /PORT/ })
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT/ })
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), { message: /LOG_LEVEL/ })
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), { message: /DATABASE_URL/ })
  t.throws(() => loadConfig({ WORKUA_API_URL: 'ftp://x' }), { message: /WORKUA_API_URL/ })
})

t.test('secrets are named but never echoed', async t => {
  const err = t.throws(() => loadConfig({ ADMIN_API_KEY: 'short-secret-value' })) as ConfigError
  t.match(err.message, /ADMIN_API_KEY/)
  t.notMatch(err.message, /short-secret-value/)
})

t.test('production demands explicit secrets', async t => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { message: /SECRETS_KEY is required/ })
})

t.test('the process stops with one clear line', async t => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 30_000
  })
  t.equal(result.status, 1)
  const lines = result.stderr.trim().split('\n')
  t.equal(lines.length, 1, 'exactly one line')
  t.match(lines[0], /^Invalid configuration: PORT must be integer \(got "not-a-port"\)$/)
})

t.test('.env.example lists every variable, and nothing else', async t => {
  const { readFile } = await import('node:fs/promises')
  const { EnvSchema } = await import('../src/config.js')
  const text = await readFile(new URL('../.env.example', import.meta.url), 'utf8')
  const listed = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map(m => m[1]))
  t.same([...listed].sort(), Object.keys(EnvSchema.properties).sort())
})
