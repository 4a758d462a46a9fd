// The sandbox's postings on their own (no service): what the account's credential store keeps of
// each, and what getPosting, the responses, reactivate and extend make of it.
import t from 'tap'
import { createSandboxAdapter } from '../../src/boards/sandbox/adapter.js'
import type { SandboxCredentials } from '../../src/boards/sandbox/postings.js'
import type { AccountSession, BoardAccount, PostingInput } from '../../src/boards/types.js'
import { memoryStore } from '../helpers/credential-store.js'

const sandbox = createSandboxAdapter()
const account: BoardAccount = { externalId: 'sandbox-test', name: 'Test', email: null }
const posting = (fields: Record<string, unknown>): PostingInput => ({ title: 'Engineer', description: '<p>x</p>', fields, publicationType: 'standard' })

function session () {
  const credentials = memoryStore<SandboxCredentials>({ accountName: 'Test' })
  const log = { child: () => log, info () {}, warn () {}, error () {}, debug () {}, trace () {}, fatal () {}, level: 'silent', silent () {} }
  return { key: 'test', credentials, log } as unknown as AccountSession<SandboxCredentials> & { credentials: typeof credentials }
}

async function sync (s: ReturnType<typeof session>, id: string): Promise<number> {
  let items = 0
  for await (const page of sandbox.pageThroughResponses(s, account, id, null)) items += page.items.length
  return items
}

t.test('moderation on the first check; removal after N syncs is a 404 of the responses and "removed" on the posting', async t => {
  const s = session()
  const rejected = await sandbox.publish(s, account, posting({ applicants: 1, moderation: 'reject' }))
  t.match(await sandbox.getPosting(s, account, rejected.externalId), { state: 'rejected', reason: /moderator/ })

  const ref = await sandbox.publish(s, account, posting({ applicants: 2, removeAfterSyncs: 2 }))
  t.equal(ref.state, 'pending_review')
  t.match(await sandbox.getPosting(s, account, ref.externalId), { state: 'live', expiresAt: String })
  t.equal(await sync(s, ref.externalId), 2)
  t.equal(await sync(s, ref.externalId), 2)
  t.equal((await sandbox.getPosting(s, account, ref.externalId)).state, 'live', 'live for two syncs')
  await t.rejects(sync(s, ref.externalId), { name: 'BoardError', kind: 'not_found' })
  t.match(await sandbox.getPosting(s, account, ref.externalId), { state: 'removed', reason: /after 2 syncs/ })
  await t.rejects(sandbox.reactivate!(s, account, ref.externalId, posting({})), { name: 'BoardError', kind: 'not_found' }, 'a removed posting cannot come back')
  await t.rejects(sandbox.getPosting(s, account, 'nonsense'), { name: 'BoardError', kind: 'not_found' })
})

t.test('expiry after N syncs; closing; reactivation and extension give it more', async t => {
  const s = session()
  const { externalId } = await sandbox.publish(s, account, posting({ applicants: 1, expireAfterSyncs: 1 }))
  await sync(s, externalId)
  t.match(await sandbox.getPosting(s, account, externalId), { state: 'expired', reason: /after 1 syncs/ })
  await t.rejects(sandbox.extend!(s, account, externalId), { name: 'BoardError', kind: 'rejected' }, 'only a live posting is extended')

  t.match(await sandbox.reactivate!(s, account, externalId, posting({})), { externalId, state: 'live' })
  const { expiresAt: first } = await sandbox.getPosting(s, account, externalId)
  const extended = await sandbox.extend!(s, account, externalId)
  t.ok(Date.parse(extended.expiresAt!) > Date.parse(first!), 'its end moved forward')
  await sync(s, externalId)
  t.equal((await sandbox.getPosting(s, account, externalId)).state, 'live', 'the extension bought one more sync')
  await sync(s, externalId)
  t.equal((await sandbox.getPosting(s, account, externalId)).state, 'expired')

  await sandbox.archive(s, account, externalId)
  t.equal((await sandbox.getPosting(s, account, externalId)).state, 'archived')
  await sandbox.reactivate!(s, account, externalId, posting({}))
  t.equal((await sandbox.getPosting(s, account, externalId)).state, 'live')
})

t.test('syncs are counted only where removal or expiry needs them; the account remembers a bounded number of postings', async t => {
  const s = session()
  const { externalId } = await sandbox.publish(s, account, posting({ applicants: 1 }))
  const writes = s.credentials.writes
  await sync(s, externalId)
  await sync(s, externalId)
  t.equal(s.credentials.writes, writes, 'a plain posting costs no write per sync')
  for (let i = 0; i < 205; i++) await sandbox.publish(s, account, posting({ applicants: 0 }))
  t.equal(Object.keys(s.credentials.current().postings ?? {}).length, 200)
  t.notOk(externalId in (s.credentials.current().postings ?? {}), 'the oldest is forgotten')
  t.equal((await sandbox.getPosting(s, account, externalId)).state, 'live', 'and answers as a plain live posting')
})

t.test('photos: two in three applicants have one, served as a PNG', async t => {
  const s = session()
  const { externalId } = await sandbox.publish(s, account, posting({ applicants: 3 }))
  const people = []
  for await (const page of sandbox.pageThroughResponses(s, account, externalId, null)) people.push(...page.items)
  t.same(people.map(p => p.photoUrl === null), [false, false, true])
  const photo = await sandbox.openPhoto!(s, account, { externalId: people[0]!.externalId, resumeUrl: null, photoUrl: people[0]!.photoUrl, raw: people[0]!.raw })
  t.match(photo, { contentType: 'image/png', contentLength: Number })
  t.equal(await sandbox.openPhoto!(s, account, { externalId: people[2]!.externalId, resumeUrl: null, photoUrl: null, raw: null }), null)
})
