// Sealed credentials are bound to their row (issue 16, item 9): AES-GCM with the tenant and the
// row as associated data, so credentials copied into another tenant's row (a restore gone wrong,
// someone with write access to the table) do not open there. Rows sealed before are still read,
// and the start-up step re-seals them bound, row by row under the row lock.
import t from 'tap'
import { pino } from 'pino'
import { bearer, build, SECRETS_KEY } from '../helpers/app.js'
import { createSecretBox } from '../../src/crypto/secrets.js'
import { resealUnboundCredentials } from '../../src/modules/integrations/service.js'

const box = createSecretBox(SECRETS_KEY)
const silent = pino({ level: 'silent' })

t.test('credentials copied into another tenant\'s row do not open there', async t => {
  const { app, db, tenant } = await build(t)
  const alpha = await tenant()
  const bravo = await tenant()
  const install = async (key: string, accountName: string) => {
    const res = await app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload: { board: 'sandbox', name: accountName, credentials: { accountName } } })
    t.equal(res.statusCode, 201, res.body)
    return res.json().id as string
  }
  const alphaId = await install(alpha.key, 'Alpha account')
  const bravoId = await install(bravo.key, 'Bravo account')
  const rows = await db.selectFrom('integrations').select(['id', 'tenant_id', 'credentials', 'credentials_key_id', 'credentials_bound']).where('id', 'in', [alphaId, bravoId]).execute()
  const alphaRow = rows.find(r => r.id === alphaId)!
  t.ok(rows.every(r => r.credentials_bound), 'new rows are sealed bound')
  t.throws(() => box.open({ keyId: alphaRow.credentials_key_id, data: alphaRow.credentials }), { name: 'SecretsError' }, 'they do not open without their row')

  // alpha's sealed credentials pasted into bravo's row
  await db.updateTable('integrations').set({ credentials: alphaRow.credentials, credentials_key_id: alphaRow.credentials_key_id }).where('id', '=', bravoId).execute()
  const check = await app.inject({ method: 'POST', url: `/v1/integrations/${bravoId}/check`, headers: bearer(bravo.key) })
  t.equal(check.statusCode, 500, 'bravo cannot act with them')
  t.notMatch(check.body, /Alpha account/)
  // alpha's own row is untouched and works
  const own = await app.inject({ method: 'POST', url: `/v1/integrations/${alphaId}/check`, headers: bearer(alpha.key) })
  t.equal(own.statusCode, 200)
  t.equal(own.json().account.name, 'Alpha account')
})

t.test('rows sealed before binding are read as they are, and re-sealed bound at start-up', async t => {
  const { app, db, tenant } = await build(t)
  const { key } = await tenant()
  const ids: string[] = []
  for (const accountName of ['Old one', 'Old two', 'Old three']) {
    const res = await app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload: { board: 'sandbox', name: accountName, credentials: { accountName, featuredPublications: 7 } } })
    ids.push(res.json().id as string)
  }
  // as the rows were before the migration: sealed without associated data, marked unbound
  for (const id of ids) {
    const accountName = ['Old one', 'Old two', 'Old three'][ids.indexOf(id)]
    const legacy = box.seal({ accountName, featuredLeft: 7 })
    await db.updateTable('integrations').set({ credentials: legacy.data, credentials_key_id: legacy.keyId, credentials_bound: false }).where('id', '=', id).execute()
  }
  const before = await app.inject({ method: 'POST', url: `/v1/integrations/${ids[0]!}/check`, headers: bearer(key) })
  t.equal(before.statusCode, 200, 'an unbound row still works')
  t.equal(before.json().account.name, 'Old one')

  t.equal(await resealUnboundCredentials({ db, secrets: box, log: silent }), 3, 'every unbound row re-sealed')
  t.equal(await resealUnboundCredentials({ db, secrets: box, log: silent }), 0, 'a second start finds nothing to do')
  const rows = await db.selectFrom('integrations').select(['id', 'tenant_id', 'credentials', 'credentials_key_id', 'credentials_bound']).where('id', 'in', ids).execute()
  for (const row of rows) {
    t.ok(row.credentials_bound, `${row.id} is bound`)
    t.throws(() => box.open({ keyId: row.credentials_key_id, data: row.credentials }), { name: 'SecretsError' }, 'no longer opens unbound')
    t.match(box.open({ keyId: row.credentials_key_id, data: row.credentials }, `integrations:${row.tenant_id}:${row.id}`), { featuredLeft: 7 }, 'the same credentials inside')
  }
  for (const [i, id] of ids.entries()) {
    const after = await app.inject({ method: 'POST', url: `/v1/integrations/${id}/check`, headers: bearer(key) })
    t.equal(after.statusCode, 200)
    t.equal(after.json().account.name, ['Old one', 'Old two', 'Old three'][i])
  }
})

t.test('an unbound row is bound by its next write too (a token refresh, a rotation)', async t => {
  const { app, db, tenant } = await build(t)
  const { key } = await tenant()
  const id = (await app.inject({ method: 'POST', url: '/v1/integrations', headers: bearer(key), payload: { board: 'sandbox', name: 'rotated', credentials: { accountName: 'Rotated' } } })).json().id as string
  const legacy = box.seal({ accountName: 'Rotated', featuredLeft: 2 })
  await db.updateTable('integrations').set({ credentials: legacy.data, credentials_key_id: legacy.keyId, credentials_bound: false }).where('id', '=', id).execute()
  const rotated = await app.inject({ method: 'PATCH', url: `/v1/integrations/${id}`, headers: bearer(key), payload: { credentials: { accountName: 'Rotated', featuredPublications: 5 } } })
  t.equal(rotated.statusCode, 200, rotated.body)
  const row = await db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.ok(row.credentials_bound)
  t.match(box.open({ keyId: row.credentials_key_id, data: row.credentials }, `integrations:${row.tenant_id}:${id}`), { featuredLeft: 5 })
})
