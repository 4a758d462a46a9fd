// The sandbox board: no credentials, no network, deterministic. It lets a host try every flow
// (install, publish, sync, deliver) without a real board account, through the same service code
// as the real boards. Everything it returns is derived from the account name and the posting id,
// except the postings' lives (removal, expiry, closing, reopening, extending: postings.ts), which
// the account's credential store remembers.
import { Type, type Static } from 'typebox'
import { createHash } from 'node:crypto'
import { BoardError } from '../errors.js'
import type { BoardImplementation, BoardAccount, PostingRef, PostingStatus, Recruiter } from '../types.js'
import { sandboxPhoto, sandboxResponses } from './responses.js'
import { sandboxFields, sandboxPublicationTypes } from './fields.js'
import { sandboxDictionaries } from './dictionaries.js'
import { sandboxFieldsFromJob, sandboxPreviewPayload } from './mapping.js'
import { FEATURED_DEFAULT, sandboxQuota, spendFeatured } from './quota.js'
import { closePosting, countSync, extendPosting, reactivatePosting, rememberPosting, sandboxPostingStatus, type SandboxCredentials } from './postings.js'

export type { SandboxCredentials } from './postings.js'

export const SandboxInstall = Type.Object({
  accountName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'several sandbox accounts per tenant are told apart by name (default "Sandbox")' })),
  featuredPublications: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: `paid publications of type featured the account has (default ${FEATURED_DEFAULT}); each featured publish spends one` }))
}, { additionalProperties: false })
export type SandboxInstall = Static<typeof SandboxInstall>

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8)

function postingIdOrThrow (externalId: string): string {
  if (!/^[ar][0-9a-f]{8}-\d+-\d+$/.test(externalId)) throw new BoardError({ board: 'sandbox', kind: 'not_found', detail: `no sandbox posting ${externalId}` })
  return externalId
}

export function createSandboxAdapter (): BoardImplementation<SandboxCredentials, SandboxInstall> {
  return {
    ...sandboxDictionaries,
    fieldsFromJob: sandboxFieldsFromJob,
    previewPayload: sandboxPreviewPayload,
    credentialsSchema: SandboxInstall,
    publicCredentialFields: ['accountName'],
    publicationFields: sandboxFields,
    publicationTypes: sandboxPublicationTypes,

    async connect (input) {
      return { accountName: input.accountName ?? 'Sandbox', featuredLeft: input.featuredPublications ?? FEATURED_DEFAULT }
    },

    async checkAccount (session): Promise<BoardAccount> {
      const { accountName } = session.credentials.current()
      return { externalId: `sandbox-${shortHash(accountName)}`, name: accountName, email: `employer+${shortHash(accountName)}@sandbox.jobsync.dev` }
    },

    availablePublications: sandboxQuota,

    // the posting id carries what the simulated moderation will decide, so any replica (and any
    // later process) answers the same: pending review right after publishing, then the decision
    async publish (session, account, posting): Promise<PostingRef> {
      if (posting.publicationType === 'featured') await spendFeatured(session)
      const moderation = posting.fields.moderation === 'reject' ? 'r' : 'a'
      const applicants = typeof posting.fields.applicants === 'number' ? posting.fields.applicants : 10
      const arrivals = typeof posting.fields.arrivalsPerSync === 'number' ? posting.fields.arrivalsPerSync : 0
      // the id carries the simulation's settings, so every replica and every later run agree
      const externalId = `${moderation}${shortHash(`${account.externalId}:${posting.title}:${Date.now()}:${Math.random()}`)}-${applicants}-${arrivals}`
      await rememberPosting(session, externalId, posting.fields)
      return { externalId, url: `https://sandbox.jobsync.dev/jobs/${externalId}`, state: 'pending_review' }
    },

    async update (_session, _account, externalId) {
      postingIdOrThrow(externalId)
    },

    async archive (session, _account, externalId) {
      await closePosting(session, postingIdOrThrow(externalId))
    },

    // moderation decides on the first check; then removal, closing and the end of its term (postings.ts)
    async getPosting (session, _account, externalId): Promise<PostingStatus> {
      return sandboxPostingStatus(session, postingIdOrThrow(externalId))
    },

    // a closed (or expired) posting goes back up as it was; a removed one is gone, and a reopen publishes a new one
    async reactivate (session, _account, externalId): Promise<PostingRef> {
      const status = await reactivatePosting(session, postingIdOrThrow(externalId))
      return { externalId, url: status.url, state: 'live' }
    },

    async extend (session, _account, externalId): Promise<PostingStatus> {
      return await extendPosting(session, postingIdOrThrow(externalId))
    },

    postingIdFrom (urlOrId) {
      const id = /(?:^|\/jobs\/)([ar][0-9a-f]{8}-\d+-\d+)\/?$/.exec(urlOrId.trim())?.[1]
      return id ?? null
    },

    async * pageThroughResponses (session, account, postingId, cursor) {
      await countSync(session, postingId)
      yield * sandboxResponses(session, account, postingId, cursor)
    },

    async openPhoto (_session, _account, application) {
      return application.photoUrl === null ? null : sandboxPhoto()
    },

    // the sandbox takes every outcome, as a board with an outcome endpoint would
    async shareOutcome () {
      return 'shared'
    },

    async listRecruiters (_session, account): Promise<Recruiter[]> {
      return [
        { externalId: `${account.externalId}-r1`, name: 'Olena Kovalenko', email: `olena+${account.externalId}@sandbox.jobsync.dev`, isAdmin: true },
        { externalId: `${account.externalId}-r2`, name: 'Taras Shevchuk', email: `taras+${account.externalId}@sandbox.jobsync.dev`, isAdmin: false }
      ]
    }
  }
}
