// Board credentials and API keys never appear in plain text: not in a response, not in a log line
// (at trace level), not in any database column. Every board, the happy paths and the failures.
import t from 'tap'
import { bearer, build } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { assertNoSecrets, databaseText, secretsSentToBoards } from '../helpers/secret-scan.js'

const boards = await startFakeBoards()

t.test('no secret in responses, logs or the database', async t => {
  const { app, db, logs, tenant, adminKey } = await build(t, { env: { ...boards.env, LOG_LEVEL: 'trace' } })
  const { key: tenantKey } = await tenant()
  const bodies: string[] = []
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: bearer(tenantKey), ...(payload === undefined ? {} : { payload }) })
    bodies.push(res.body, JSON.stringify(res.headers))
    return res
  }

  const djinni = boards.djinni.addAccount({ key: 'dj-SECRET-apikey-7f3a9c', isAdmin: true, recruiters: [{ name: 'R' }] })
  const workua = boards.workua.addAccount({ login: 'secret-scan@acme.ua', password: 'wu-SECRET-password-51e2' })
  const robota = boards.robotaua.addAccount({ username: 'secret-scan@robota.ua', password: 'ro-SECRET-password-0b7d', kind: 'employer' })
  const hh = boards.headhunter.addEmployerAccount()

  const installed: string[] = []
  const install = async (board: string, credentials: object) => {
    const res = await call('POST', '/v1/integrations', { board, name: board, credentials })
    if (res.statusCode === 201) installed.push(res.json().id)
    return res
  }
  t.equal((await install('djinni', { keyName: 'main', apiKey: djinni.key })).statusCode, 201)
  t.equal((await install('workua', { login: workua.login, password: workua.password })).statusCode, 201)
  t.equal((await install('robotaua', { login: robota.username, password: robota.password })).statusCode, 201)
  const { state } = (await call('GET', '/v1/boards/headhunter/authorize-url')).json()
  const code = boards.headhunter.issueAuthCode(hh.key)
  t.equal((await install('headhunter', { code, state })).statusCode, 201)

  // failure paths carry the secrets too
  t.equal((await install('workua', { login: workua.login, password: 'wu-SECRET-wrong-password-9a' })).statusCode, 422)
  t.equal((await install('djinni', { keyName: 'bad', apiKey: 'dj-SECRET-wrong-key-c41' })).statusCode, 422)
  boards.robotaua.server.inject({ status: 503, times: 5 })
  await install('robotaua', { login: robota.username, password: robota.password })
  boards.robotaua.server.clearFaults()

  // checks, a refresh, a rotation
  boards.headhunter.expireAccessTokens(hh.key)
  boards.robotaua.expireTokens(robota.username)
  for (const id of installed) await call('POST', `/v1/integrations/${id}/check`)
  await call('PATCH', `/v1/integrations/${installed[1]}`, { credentials: { login: workua.login, password: workua.password } })
  for (const id of installed) { await call('GET', `/v1/integrations/${id}`); await call('GET', `/v1/integrations/${id}/recruiters`) }
  await call('GET', '/v1/integrations')

  // every secret that crossed the wire: what we were given, and what the boards handed out
  const secrets = new Set<string>([djinni.key, workua.password, robota.password, 'wu-SECRET-wrong-password-9a', 'dj-SECRET-wrong-key-c41', tenantKey, adminKey, code, ...secretsSentToBoards(boards)])
  t.ok(secrets.size >= 10, `collected ${secrets.size} secrets to look for`)

  const database = await databaseText(db)
  t.ok(database.length > 0)
  assertNoSecrets(t, secrets, { responses: bodies.join('\n'), logs: logs.join('\n'), database })
  t.ok(logs.length > 20, 'the app logged at trace level')
})
