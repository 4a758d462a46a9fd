// The life of a sandbox posting on its simulated board: moderation (in the posting id, fixed at
// publish), removal after `removeAfterSyncs` syncs, the end of its term after `expireAfterSyncs`,
// closing, re-activation and extension. What changes over time is kept with the account's
// credentials (the adapter never touches the database; CredentialStore.update runs under the
// integration's row lock, so every replica sees one story): per posting, the syncs that asked for
// its responses, whether it is closed, and when its term ends.
import { BoardError } from '../errors.js'
import type { AccountSession, PostingStatus } from '../types.js'

/** a sandbox posting's term, as a board shows it (`expiresAt`); extend adds another */
const TERM_DAYS = 30
/** postings remembered per account; the oldest are forgotten (they answer as plain live postings) */
const REMEMBERED = 200

export interface SandboxPosting {
  /** sync runs that asked for its responses (counted only where removal or expiry needs them) */
  syncs: number
  removeAfterSyncs?: number
  expireAfterSyncs?: number
  /** the sync count at which its term ends: expireAfterSyncs on, moved on by extend and reopen */
  expiresAfterSync?: number
  closed?: boolean
  /** ISO 8601 */
  expiresAt: string
}

/** the sandbox account's state: its name, its paid publications left (quota.ts), its postings' lives */
export interface SandboxCredentials {
  accountName: string
  /** featured publications left; absent on accounts installed before there were any: the default */
  featuredLeft?: number
  postings?: Record<string, SandboxPosting>
}

type Session = AccountSession<SandboxCredentials>

const url = (id: string) => `https://sandbox.jobsync.dev/jobs/${id}`
const termFrom = (from: number) => new Date(from + TERM_DAYS * 86_400_000).toISOString()
const count = (value: unknown): number | undefined => typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined

/** the account's postings with `id` changed; the oldest beyond REMEMBERED are dropped */
async function change (session: Session, id: string, edit: (posting: SandboxPosting | undefined) => SandboxPosting): Promise<SandboxPosting> {
  let result: SandboxPosting | undefined
  await session.credentials.update(async latest => {
    const postings = { ...latest.postings }
    result = edit(postings[id])
    delete postings[id]
    postings[id] = result
    const ids = Object.keys(postings)
    for (const old of ids.slice(0, Math.max(0, ids.length - REMEMBERED))) delete postings[old]
    return { ...latest, postings }
  })
  return result!
}

/** where a posting stands now, from its id (moderation) and what the account remembers of it */
export function sandboxPostingStatus (session: Session, id: string): PostingStatus {
  const posting = session.credentials.current().postings?.[id]
  const expiresAt = posting?.expiresAt ?? null
  if (id.startsWith('r')) return { state: 'rejected', url: url(id), reason: 'Rejected by the sandbox moderator (fields.moderation = "reject")', expiresAt }
  if (posting?.removeAfterSyncs !== undefined && posting.syncs > posting.removeAfterSyncs) {
    return { state: 'removed', url: url(id), reason: `Removed by the sandbox after ${posting.removeAfterSyncs} syncs (fields.removeAfterSyncs)`, expiresAt }
  }
  if (posting?.closed === true) return { state: 'archived', url: url(id), reason: null, expiresAt }
  if (posting?.expiresAfterSync !== undefined && posting.syncs >= posting.expiresAfterSync) {
    return { state: 'expired', url: url(id), reason: `Its term ended after ${posting.expireAfterSyncs ?? posting.expiresAfterSync} syncs (fields.expireAfterSyncs)`, expiresAt }
  }
  return { state: 'live', url: url(id), reason: null, expiresAt }
}

/** a new posting: its removal and expiry settings, and its term */
export async function rememberPosting (session: Session, id: string, fields: Record<string, unknown>): Promise<void> {
  const removeAfterSyncs = count(fields.removeAfterSyncs)
  const expireAfterSyncs = count(fields.expireAfterSyncs)
  await change(session, id, () => ({
    syncs: 0,
    ...(removeAfterSyncs !== undefined ? { removeAfterSyncs } : {}),
    ...(expireAfterSyncs !== undefined ? { expireAfterSyncs, expiresAfterSync: expireAfterSyncs } : {}),
    expiresAt: termFrom(Date.now())
  }))
}

/**
 * A sync asks for the posting's responses: counted where removal or expiry depends on it. A posting
 * removed on the board answers 404, as Djinni's does (docs/boards.md): the sync has to confirm it.
 */
export async function countSync (session: Session, id: string): Promise<void> {
  const known = session.credentials.current().postings?.[id]
  if (known === undefined || (known.removeAfterSyncs === undefined && known.expireAfterSyncs === undefined)) return
  const posting = await change(session, id, p => ({ ...(p ?? known), syncs: (p ?? known).syncs + 1 }))
  if (posting.removeAfterSyncs !== undefined && posting.syncs > posting.removeAfterSyncs) {
    throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: `sandbox posting ${id} is gone` })
  }
}

export async function closePosting (session: Session, id: string): Promise<void> {
  await change(session, id, p => ({ ...(p ?? { syncs: 0, expiresAt: termFrom(Date.now()) }), closed: true }))
}

/** a closed or expired posting back up, with a new term; a removed one is gone (404) */
export async function reactivatePosting (session: Session, id: string): Promise<PostingStatus> {
  const now = sandboxPostingStatus(session, id)
  if (now.state === 'removed') throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: `sandbox posting ${id} is gone` })
  if (now.state === 'rejected') throw new BoardError({ board: 'sandbox', kind: 'rejected', boardStatus: 400, detail: 'a posting the moderator rejected cannot be re-activated' })
  await change(session, id, p => {
    const posting = p ?? { syncs: 0, expiresAt: termFrom(Date.now()) }
    const { closed: _closed, ...rest } = posting
    return {
      ...rest,
      ...(posting.expireAfterSyncs !== undefined ? { expiresAfterSync: posting.syncs + posting.expireAfterSyncs } : {}),
      expiresAt: termFrom(Date.now())
    }
  })
  return sandboxPostingStatus(session, id)
}

/** one more term for a live posting (and, with expireAfterSyncs, as many more syncs) */
export async function extendPosting (session: Session, id: string): Promise<PostingStatus> {
  const now = sandboxPostingStatus(session, id)
  if (now.state === 'removed') throw new BoardError({ board: 'sandbox', kind: 'not_found', boardStatus: 404, detail: `sandbox posting ${id} is gone` })
  if (now.state !== 'live') throw new BoardError({ board: 'sandbox', kind: 'rejected', boardStatus: 400, detail: `only a live posting can be extended; this one is ${now.state}` })
  await change(session, id, p => {
    const posting = p ?? { syncs: 0, expiresAt: termFrom(Date.now()) }
    return {
      ...posting,
      ...(posting.expireAfterSyncs !== undefined ? { expiresAfterSync: (posting.expiresAfterSync ?? posting.syncs) + posting.expireAfterSyncs } : {}),
      expiresAt: termFrom(Math.max(Date.now(), Date.parse(posting.expiresAt)))
    }
  })
  return sandboxPostingStatus(session, id)
}
