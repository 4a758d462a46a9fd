// hh's catalogues that belong to the account, through the API: the employer's saved addresses
// (GET /employers/{id}/addresses) and its managers, fetched with the integration's own token, kept
// per integration for DICTIONARY_ACCOUNT_TTL_SECONDS, and the publication fields that take their ids
// (addressId, managerId) checked against them before anything is sent to hh.
import t, { type Test } from 'tap'
import { build, problemOf, type TestApp } from '../helpers/app.js'
import { startFakeBoards } from '../helpers/boards.js'
import { installAccount, LONG_DESCRIPTION, tenantCaller, type Call } from '../helpers/publishing.js'
import type { AddressSeed } from '../fakes/headhunter/employer.js'

const boards = await startFakeBoards()
const hh = boards.headhunter

interface Seed { addresses?: AddressSeed[], managers?: Array<{ name: string }>, hasAdminRights?: boolean, managerName?: string }

/** an hh employer account installed as an integration of the caller's tenant */
async function install (call: Call, seed: Seed = {}) {
  const account = hh.addEmployerAccount(seed)
  const res = await installAccount(call, 'headhunter', {
    credentials: () => ({ code: hh.issueAuthCode(account.key) }),
    revoke: () => { hh.revokeTokens(account.key) }
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return { ...account, integrationId: res.json().id as string }
}

const asked = (re: RegExp) => hh.server.requests.filter(r => re.test(`${r.method} ${r.path}`)).length
const ADDRESSES = /^GET \/employers\/\d+\/addresses$/
const MANAGERS = /^GET \/employers\/\d+\/managers$/

async function setup (t: Test): Promise<{ app: TestApp, call: Call }> {
  const app = await build(t, { env: { ...boards.env, DICTIONARY_ACCOUNT_TTL_SECONDS: '300' } })
  return { app, call: await tenantCaller(app) }
}

t.test('the employer\'s addresses and managers: listed as its own, searchable, each integration its own copy', async t => {
  const { app, call } = await setup(t)
  const one = await install(call, {
    addresses: [{ city: 'Москва', street: 'Тверская улица', building: '7' }, { city: 'Санкт-Петербург', street: 'Невский проспект', building: '28' }, { city: 'Казань', deleted: true }],
    managers: [{ name: 'Пётр Рекрутеров' }]
  })
  const two = await install(call, { addresses: [{ city: 'Екатеринбург', street: 'улица Ленина', building: '1' }] })

  const listed = (await call('GET', `/v1/integrations/${one.integrationId}/dictionaries`)).json().items as Array<{ name: string }>
  t.match(listed.filter(d => d.name === 'addresses' || d.name === 'managers'), [
    { name: 'addresses', hierarchical: false, searchable: true, scope: 'account' },
    { name: 'managers', hierarchical: false, searchable: true, scope: 'account' }
  ])
  const board = (await call('GET', '/v1/boards')).json().items.find((b: { id: string }) => b.id === 'headhunter')
  t.equal(board.publicationFields.properties.addressId['x-dictionary'], 'addresses')
  t.equal(board.publicationFields.properties.managerId['x-dictionary'], 'managers')

  const before = asked(ADDRESSES)
  const addresses = await call('GET', `/v1/integrations/${one.integrationId}/dictionaries/addresses`)
  t.equal(addresses.statusCode, 200, addresses.body)
  t.same(addresses.json().items.map((i: { name: string }) => i.name), ['Москва, Тверская улица, 7', 'Санкт-Петербург, Невский проспект, 28'], 'the deleted one is not offered')
  t.ok(addresses.json().items.every((i: { id: string, parentId: null }) => /^\d+$/.test(i.id) && i.parentId === null))
  const searched = await call('GET', `/v1/integrations/${one.integrationId}/dictionaries/addresses?q=${encodeURIComponent('невский')}`)
  t.same(searched.json().items.map((i: { name: string }) => i.name), ['Санкт-Петербург, Невский проспект, 28'], 'q searches the account\'s addresses')
  t.equal(asked(ADDRESSES) - before, 1, 'asked of hh once while the copy is fresh')

  const managers = (await call('GET', `/v1/integrations/${one.integrationId}/dictionaries/managers`)).json().items as Array<{ id: string, name: string }>
  t.same(managers.map(m => m.id), one.managerIds, 'every manager of the employer')
  t.same(managers.map(m => m.name), ['Сидорова Ирина', 'Рекрутеров Пётр'], 'named as hh lists them')

  const theirs = await call('GET', `/v1/integrations/${two.integrationId}/dictionaries/addresses`)
  t.same(theirs.json().items.map((i: { name: string }) => i.name), ['Екатеринбург, улица Ленина, 1'], 'another account: its own employer\'s')
  const copies = await app.db.selectFrom('dictionary_copies').select(['name', 'integration_id']).where('board', '=', 'headhunter').where('name', 'in', ['addresses', 'managers']).orderBy('name').orderBy('integration_id').execute()
  t.equal(copies.filter(c => c.integration_id === one.integrationId).length, 2, 'stored per integration')
  t.ok(copies.every(c => c.integration_id !== null), 'never as the board\'s')

  const other = await tenantCaller(app)
  t.equal((await other('GET', `/v1/integrations/${one.integrationId}/dictionaries/addresses`)).statusCode, 404, 'another tenant sees nothing')
})

t.test('a copy older than DICTIONARY_ACCOUNT_TTL_SECONDS is served and fetched again behind the answer', async t => {
  const { app, call } = await setup(t)
  const one = await install(call, { addresses: [{ city: 'Москва', street: 'Тверская улица', building: '7' }] })
  const url = `/v1/integrations/${one.integrationId}/dictionaries/addresses`
  const first = (await call('GET', url)).json().items as Array<{ id: string, name: string }>
  t.equal(first.length, 1)

  const added = hh.addAddress(one.employerId, { city: 'Москва', street: 'Арбат', building: '10' })
  hh.deleteAddress(one.employerId, first[0]!.id)
  t.same((await call('GET', url)).json().items, first, 'fresh: the stored copy, hh not asked')

  await app.db.updateTable('dictionary_copies').set({ checked_at: new Date(Date.now() - 301_000) }).where('integration_id', '=', one.integrationId).execute()
  t.same((await call('GET', url)).json().items, first, 'stale: still answered at once from the copy')
  await app.app.dictionaries.idle()
  t.same((await call('GET', url)).json().items, [{ id: added, name: 'Москва, Арбат, 10', parentId: null }], 'then hh\'s list as it is now')
})

t.test('addressId and managerId take the account\'s ids: others are refused naming the field; the account\'s reach hh', async t => {
  const { call } = await setup(t)
  const one = await install(call, { addresses: [{ city: 'Москва', street: 'Тверская улица', building: '7' }], managers: [{ name: 'Пётр Рекрутеров' }] })
  const two = await install(call, { addresses: [{ city: 'Екатеринбург' }] })
  const addressOfTwo = (await call('GET', `/v1/integrations/${two.integrationId}/dictionaries/addresses`)).json().items[0].id as string
  const addressOfOne = (await call('GET', `/v1/integrations/${one.integrationId}/dictionaries/addresses`)).json().items[0].id as string
  const base = { areaId: '1', vacancyType: 'open', professionalRoleId: '96' }
  const job = `hh-account-${process.pid}`
  t.equal((await call('PUT', `/v1/jobs/${job}`, { title: 'Backend engineer', description: LONG_DESCRIPTION })).statusCode, 201)
  const publish = async (fields: Record<string, unknown>) =>
    await call('POST', `/v1/jobs/${job}/publications`, { integrationId: one.integrationId, fields: { ...base, ...fields }, publicationType: 'free', publish: true })

  const vacanciesBefore = hh.vacancies.size
  const wrong = await publish({ addressId: addressOfTwo, managerId: two.managerId })
  t.equal(wrong.statusCode, 400, wrong.body)
  t.match(problemOf(wrong).errors, [
    { in: 'body', pointer: '/fields/addressId', detail: /is not an id of dictionary addresses of HeadHunter/ },
    { in: 'body', pointer: '/fields/managerId', detail: /is not an id of dictionary managers of HeadHunter/ }
  ])
  t.equal(hh.vacancies.size, vacanciesBefore, 'nothing sent to hh')

  const right = await publish({ addressId: addressOfOne, managerId: one.managerIds[1] })
  t.equal(right.statusCode, 201, right.body)
  const vacancy = hh.vacancies.get(right.json().posting.externalId as string)!
  t.same(vacancy.fields.address, { id: addressOfOne }, 'the address as hh takes it')
  t.equal(vacancy.managerId, one.managerIds[1], 'owned by the chosen manager')
})

t.test('a manager without admin rights: the managers are the account itself; dead tokens: a problem, nothing stored', async t => {
  const { app, call } = await setup(t)
  const plain = await install(call, { hasAdminRights: false, managerName: 'Олег Менеджеров' })
  const managers = await call('GET', `/v1/integrations/${plain.integrationId}/dictionaries/managers`)
  t.equal(managers.statusCode, 200, managers.body)
  t.same(managers.json().items, [{ id: plain.managerId, name: 'Менеджеров Олег', parentId: null }])

  const dead = await install(call)
  hh.revokeTokens(dead.key)
  const before = asked(MANAGERS)
  const res = await call('GET', `/v1/integrations/${dead.integrationId}/dictionaries/addresses`)
  t.equal(res.statusCode, 422, res.body)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(problemOf(res), { code: 'JOBSYNC_ERR_BOARD_INVALID_CREDENTIALS' })
  t.equal(asked(MANAGERS), before)
  t.not((await call('GET', `/v1/integrations/${dead.integrationId}`)).json().status, 'active', 'the integration says its credentials are dead')
  t.equal((await app.db.selectFrom('dictionary_copies').select('id').where('integration_id', '=', dead.integrationId).execute()).length, 0, 'nothing stored')
})
