// The contract every job board implements. A board is one folder under src/boards/ whose index.ts
// exports a BoardDefinition, and one line in registry.ts. Adapters speak HTTP to their board and map its shapes to ours; they never touch
// the database: what must persist (refreshed tokens, a new login) goes through CredentialStore.
//
// The contract is split by capability so each part is whole when it lands:
//   AccountApi      install, check, recruiters                  (integrations)
//   PublishingApi   fields, types, quota, publish/update/archive (publications)
//   ResponsesApi    page through applicants with a cursor        (candidate sync)
//   OutcomesApi     share hired/rejected/invited back            (delivery)
//   ResumesApi      fetch an attached CV file (optional)         (delivery)
import type { Static, TObject, TSchema } from 'typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { AgentPool } from './http.js'
import type { Readable } from 'node:stream'
import type { BoardId } from './registry.js'

export type { BoardId } from './registry.js'

/** how an account authenticates: shown to the host so it can render the install form */
export const AUTH_KINDS = ['api_key', 'login_password', 'oauth2', 'none'] as const
export type AuthKind = typeof AUTH_KINDS[number]

/** the board-side state of a posting, beside the publication's own status */
export const POSTING_STATES = ['none', 'pending_review', 'live', 'rejected', 'archived'] as const
export type PostingState = typeof POSTING_STATES[number]

export interface BoardAccount {
  /** the account's id on the board (employer id, login, …) */
  externalId: string
  name: string
  email: string | null
}

export interface Recruiter {
  externalId: string
  name: string
  email: string | null
  isAdmin: boolean
}

export interface PublicationType {
  id: string
  name: string
  /** spends a paid publication (quota) when used */
  paid: boolean
}

export interface PublicationQuota {
  publicationType: string
  /** publications of this type left; null when the board does not count them */
  available: number | null
}

/**
 * The credentials of one account, decrypted. `update` runs `change` with the latest stored value
 * under an exclusive lock across replicas (a row lock), and stores what it returns: that is how a
 * single-use refresh token is never spent twice, and a fresh login is shared by every replica.
 */
export interface CredentialStore<C> {
  current (): C
  update (change: (latest: C) => Promise<C>): Promise<C>
}

/** one account, as the adapter sees it on each call */
export interface AccountSession<C> {
  /** stable key of the account (integration id, or a temporary key during install): picks the pooled HTTP agent */
  key: string
  credentials: CredentialStore<C>
  log: FastifyBaseLogger
}

export interface AccountApi<C, I> {
  /** what `credentials` of POST /v1/integrations must look like for this board (I) */
  readonly credentialsSchema: TSchema
  /** which credential fields are secret (never returned); the rest may be shown, e.g. a login */
  readonly publicCredentialFields: readonly string[]
  /** oauth2 boards: where the host sends the employer to grant access */
  authorizeUrl?: (options: { state: string, redirectUri?: string }) => string
  /** turns install input into stored credentials (hh: exchanges the OAuth code for tokens) */
  connect (input: I, key: string): Promise<C>
  /** checks the credentials against the board; throws BoardError when they do not work */
  checkAccount (session: AccountSession<C>): Promise<BoardAccount>
  /** the account's recruiters (sub-accounts); [] where the board has no such notion */
  listRecruiters (session: AccountSession<C>, account: BoardAccount): Promise<Recruiter[]>
}

/** a vacancy as sent to a board: the host's job merged with the board-specific fields */
export interface PostingInput {
  title: string
  /** HTML */
  description: string
  /** the board's own fields, valid against publicationFields */
  fields: Record<string, unknown>
  /** one of publicationTypes' ids; null where the board has a single free type */
  publicationType: string | null
}

export interface PostingRef {
  externalId: string
  url: string | null
  state: PostingState
}

export interface PostingStatus {
  state: PostingState
  url: string | null
  /** the board's words when it rejected the posting (moderation comment) */
  reason: string | null
}

/**
 * Publishing on the board. Errors are BoardErrors: 'rejected' with `field` set to OUR field name
 * (mapped back from the board's), 'quota' when no paid publication is left, 'duplicate' when the
 * board says it has this vacancy, 'not_found' when the posting is gone (removed on the board, or
 * not this account's).
 */
export interface PublishingApi<C> {
  /** JSON Schema of the board-specific publication fields, for validation and for the host's forms */
  readonly publicationFields: TObject
  readonly publicationTypes: readonly PublicationType[]
  /** paid publications left per type; [] where the board does not count them */
  availablePublications (session: AccountSession<C>, account: BoardAccount): Promise<PublicationQuota[]>
  publish (session: AccountSession<C>, account: BoardAccount, posting: PostingInput): Promise<PostingRef>
  update (session: AccountSession<C>, account: BoardAccount, externalId: string, posting: PostingInput): Promise<void>
  archive (session: AccountSession<C>, account: BoardAccount, externalId: string): Promise<void>
  getPosting (session: AccountSession<C>, account: BoardAccount, externalId: string): Promise<PostingStatus>
  /** the posting id in a link the host pasted (a board URL), or the text itself when it is an id; null when it is neither */
  postingIdFrom (urlOrId: string): string | null
}

/** one applicant's response to a posting, mapped to our shape; `raw` keeps everything the board sent */
export interface BoardApplication {
  externalId: string
  /** ISO 8601 with a zone */
  appliedAt: string | null
  /** ISO 8601: when the board last changed the response (appliedAt where it does not say) */
  updatedAt: string | null
  firstName: string | null
  lastName: string | null
  middleName: string | null
  emails: string[]
  phones: string[]
  photoUrl: string | null
  /** YYYY-MM-DD */
  birthDate: string | null
  resumeText: string | null
  resumeUrl: string | null
  coverLetter: string | null
  skills: string[]
  url: string | null
  raw: unknown
}

export interface ResponsePage {
  items: BoardApplication[]
  /** responses the board's rules say not to transfer, counted by reason (e.g. Work.ua `blacklisted`) */
  skipped: Record<string, number>
  /**
   * Where to resume once this page is stored (it is stored in the same transaction as the page).
   * The last page's cursor is where the next scheduled run starts: the adapter applies any
   * look-back overlap there. Opaque to the service; null = from the beginning.
   */
  cursor: string | null
}

/**
 * Pulling applicants. The service stores each page with its cursor in one transaction, so a run
 * killed between pages resumes after the last stored page, and upserts keyed by `externalId` make a
 * re-fetched item harmless. Rules for adapters:
 * - yield at least one page per run (an empty one is fine), so the final cursor is stored;
 * - `externalId` is the board's id of the response (stable across runs);
 * - phones and emails as the board gives them (the service normalises them);
 * - keep everything the board sent about the candidate in `raw`;
 * - filtering rules of the board (docs/boards.md) are applied here and counted in `skipped`;
 * - a paid-quota refusal (hh resume views) is BoardError 'quota'; a 429 that outlasts the client's
 *   patience is 'rate_limited'; both end the run, which the next tick retries from the cursor.
 */
export interface ResponsesApi<C> {
  pageThroughResponses (session: AccountSession<C>, account: BoardAccount, postingId: string, cursor: string | null): AsyncIterable<ResponsePage>
}

/** a CV file on its way from the board: unread; whoever opens it consumes or destroys `stream` */
export interface ResumeFile {
  stream: Readable
  contentType: string
  /** bytes, when the board said */
  contentLength: number | null
  fileName: string | null
}

/**
 * Files candidates attached. Only boards that serve them to the account implement it (Robota.ua's
 * `getfile`); elsewhere the resume is the text and link stored with the application.
 */
export interface ResumesApi<C> {
  /** the file behind the application's resumeUrl, fetched with the account's credentials; null when it has none */
  openResume?: (session: AccountSession<C>, account: BoardAccount, application: { externalId: string, resumeUrl: string | null, raw: unknown }) => Promise<ResumeFile | null>
}

/** what the host decided about an applicant, shared back to the board where it takes it */
export const OUTCOMES = ['hired', 'rejected', 'invited'] as const
export type Outcome = typeof OUTCOMES[number]

export interface OutcomesApi<C> {
  /** 'not_supported' where the board has no endpoint for it: recorded on our side only */
  shareOutcome (session: AccountSession<C>, account: BoardAccount, application: { externalId: string, raw: unknown }, outcome: Outcome): Promise<'shared' | 'not_supported'>
}

/** what a board's factory builds: its account, its publishing, its applicants, the outcomes shared back */
export type BoardImplementation<C = any, I = any> = AccountApi<C, I> & PublishingApi<C> & ResponsesApi<C> & OutcomesApi<C> & ResumesApi<C>

/** what a board can do beyond the calls every board answers; checked against its implementation when the registry is built */
export interface BoardCapabilities {
  /** lists the account's recruiters (sub-accounts); without it listRecruiters answers [] */
  recruiters: boolean
  /** counts the paid publications left; without it availablePublications answers [] */
  publicationQuota: boolean
  /** the outcomes that reach the board; the others are recorded on our side only */
  outcomes: readonly Outcome[]
  /** serves the files candidates attached (openResume) */
  resumeFiles: boolean
}

/** what every board's factory is given besides its own settings: the same for every board */
export interface BoardShared {
  /** board requests: timeout, retries of 429/5xx/network errors, longest Retry-After waited */
  http: { timeoutMs: number, maxRetries: number, maxRetryAfterMs: number }
  /** pooled undici agents, one per account key */
  agents: AgentPool
}

/** what an adapter and its parts are given: the board's own settings and the shared ones */
export interface BoardDeps<S = Record<string, unknown>> extends BoardShared {
  settings: S
}

/**
 * A board as it describes itself (`src/boards/<id>/index.ts`). `env` is the board's own part of
 * the process environment, with defaults; config.ts composes every board's into one schema, and the
 * factory is given only its own board's values.
 */
export interface BoardDefinition<Id extends string = string, E extends TObject = TObject> {
  readonly id: Id
  readonly name: string
  readonly auth: AuthKind
  /** minutes between scheduled candidate syncs */
  readonly syncIntervalMinutes: number
  readonly env: E
  readonly capabilities: BoardCapabilities
  create (deps: BoardDeps<Static<E>>): BoardImplementation
}

/** a board's definition, with its id kept as a literal type (the registry derives BoardId from it) */
export function defineBoard<const Id extends string, E extends TObject> (definition: BoardDefinition<Id, E>): BoardDefinition<Id, E> {
  return definition
}

/** a board ready to use: its definition's facts and what its factory built */
export type BoardAdapter<C = any, I = any> = BoardImplementation<C, I> & {
  readonly id: BoardId
  readonly name: string
  readonly auth: AuthKind
  readonly syncIntervalMinutes: number
  readonly capabilities: BoardCapabilities
}
