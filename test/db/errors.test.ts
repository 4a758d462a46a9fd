// The repos throw the database's refusals as named errors: services never look at SQLSTATEs.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { DuplicateKeyError, MissingReferenceError } from '../../src/db/errors.js'
import * as admin from '../../src/modules/admin/repo.js'
import * as integrations from '../../src/modules/integrations/repo.js'
import { createTestDb } from '../helpers/db.js'

const handle = await createTestDb()
t.teardown(async () => { await handle.close(); await handle.drop() })
const { db } = handle

t.test('a second tenant with the same external id is a DuplicateKeyError naming the table', async t => {
  const externalId = `ext-${randomUUID()}`
  await admin.insertTenant(db, { name: 'First', external_id: externalId })
  const error = await admin.insertTenant(db, { name: 'Second', external_id: externalId }).catch((e: unknown) => e)
  t.type(error, DuplicateKeyError)
  t.equal((error as DuplicateKeyError).table, 'tenants')
  t.match((error as DuplicateKeyError).constraint, /external_id/)
  t.equal((error as Error & { cause: { code: string } }).cause.code, '23505', 'the driver error is kept as the cause')
})

t.test('a row pointing at a tenant that does not exist is a MissingReferenceError', async t => {
  const error = await integrations.insertIntegration(db, {
    tenant_id: randomUUID(), board: 'sandbox', name: 'x', status: 'active', credentials: Buffer.from('sealed'), credentials_key_id: 'k', credentials_public: '{}'
  }).catch((e: unknown) => e)
  t.type(error, MissingReferenceError)
  t.equal((error as MissingReferenceError).table, 'integrations')
})

t.test('other failures pass through as they are', async t => {
  const error = await integrations.insertIntegration(db, {
    tenant_id: 'not-a-uuid', board: 'sandbox', name: 'x', status: 'active', credentials: Buffer.from('sealed'), credentials_key_id: 'k', credentials_public: '{}'
  }).catch((e: unknown) => e)
  t.notOk(error instanceof DuplicateKeyError || error instanceof MissingReferenceError)
  t.ok(error instanceof Error)
})
