// The sandbox's paid publications: each account has `featuredPublications` of type `featured`
// (given at install, 2 by default), kept in the account's credentials, the only state an adapter
// may keep; a featured publish spends one, and none left is BoardError 'quota'.
import { BoardError } from '../errors.js'
import type { AccountSession, PublicationQuota } from '../types.js'
import type { SandboxCredentials } from './postings.js'

export const FEATURED_DEFAULT = 2

export function featuredLeft (credentials: SandboxCredentials): number {
  return credentials.featuredLeft ?? FEATURED_DEFAULT
}

export async function sandboxQuota (session: AccountSession<SandboxCredentials>): Promise<PublicationQuota[]> {
  return [{ publicationType: 'featured', available: featuredLeft(session.credentials.current()) }]
}

/** spends one featured publication, under the account's lock (two publishes at once cannot both take the last) */
export async function spendFeatured (session: AccountSession<SandboxCredentials>): Promise<void> {
  await session.credentials.update(async latest => {
    const left = featuredLeft(latest)
    if (left <= 0) throw new BoardError({ board: 'sandbox', kind: 'quota', detail: 'no featured publications left on this sandbox account' })
    return { ...latest, featuredLeft: left - 1 }
  })
}
