// The contract every job board implements. A board is one folder under src/boards/ whose index.ts
// exports a BoardDefinition, and one line in registry.ts. Adapters speak HTTP to their board and map its shapes to ours; they never touch
// the database: what must persist (refreshed tokens, a new login) goes through CredentialStore.
//
// The contract is split by capability so each part is whole when it lands:
//   AccountApi       install, check, recruiters, revoke           (integrations)
//   DictionariesApi  the board's catalogues for the publish form  (dictionaries)
//   PublishingApi    fields, types, quota, the job mapped to fields, publish/update/archive,
//                    the posting's state, reopen and extend      (publications)
//   ResponsesApi     page through applicants with a cursor        (candidate sync)
//   OutcomesApi      share hired/rejected/invited back            (delivery)
//   FilesApi         fetch an attached CV file or a photo (optional) (delivery)
import type { Static, TObject, TSchema } from 'typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { AgentPool, BoardHttpOptions } from './http.js'
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
  /** the integration's options, valid against the board's `integrationOptions` with defaults applied; absent where it has none */
  options?: Record<string, unknown>
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
  /**
   * Settings the host may give per integration (`options` of POST/PATCH /v1/integrations), with
   * defaults; absent where the board has none. Not secret: shown on the integration.
   */
  readonly integrationOptions?: TObject
  /**
   * Gives up the account's access on the board where the board allows it (hh: DELETE
   * /oauth/token): called when the integration is deleted, its credentials rotated away, or its
   * tenant erased. Absent where the credentials cannot be revoked from our side (a password).
   */
  revoke?: (session: AccountSession<C>) => Promise<void>
}

/** one of the board's catalogues of ids that publication fields take their values from */
export interface DictionaryDefinition {
  /** the name in the URL and in a field's `x-dictionary` (e.g. hh `areas`) */
  readonly name: string
  readonly title: string
  /** items have parents (regions → cities); `parentId` narrows a listing */
  readonly hierarchical: boolean
  /** long enough that the host searches it by name (`q`) rather than showing it whole */
  readonly searchable: boolean
  /**
   * 'board': the same for every account of the board (hh areas): fetched once, stored in Postgres,
   * refreshed at most daily. 'account': the account's own (hh addresses, managers): fetched
   * through the account and cached briefly.
   */
  readonly scope: 'board' | 'account'
}

export interface DictionaryItem {
  /** the board's id, as a publication field takes it */
  id: string
  name: string
  parentId: string | null
}

/** the validators of a stored copy, sent back for a conditional request where the board supports one */
export interface DictionaryVersion {
  etag: string | null
  lastModified: string | null
}

export type FetchedDictionary =
  | { notModified: true }
  | { notModified: false, items: DictionaryItem[], version: DictionaryVersion }

/**
 * The board's catalogues. A board-scope catalogue is fetched through whichever account of the
 * board is at hand (public catalogues just ignore the session) and then shared by all of them.
 */
export interface DictionariesApi<C> {
  readonly dictionaries: readonly DictionaryDefinition[]
  /**
   * The whole catalogue `name`, flattened (`parentId` links a tree). `stored` is the version we
   * hold: a board that answers 304 to `If-None-Match`/`If-Modified-Since` gives `notModified`.
   * An unknown name is BoardError 'not_found'.
   */
  fetchDictionary (session: AccountSession<C>, account: BoardAccount, name: string, stored: DictionaryVersion | null): Promise<FetchedDictionary>
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

/** where the board left a posting: a posting state, or the end of the posting on the board */
export type BoardPostingState =
  | PostingState
  /** taken down on the board (by its staff, the employer on the board's site, or a ban), or no longer there */
  | 'removed'
  /** its term ran out: an ordinary end */
  | 'expired'

export interface PostingStatus {
  state: BoardPostingState
  url: string | null
  /** the board's words when it rejected or removed the posting (moderation comment) */
  reason: string | null
  /** when the board will end the posting (hh `expires_at`), where it says; ISO 8601 */
  expiresAt?: string | null
}

/** the host's job as the boards map it into their fields (PUT /v1/jobs/{hostJobId}) */
export interface JobForBoard {
  title: string
  /** HTML */
  description: string
  /** free text as the host has it ("Kyiv", "Львів"); matched against the board's dictionary */
  location: string | null
  salary: { from?: number, to?: number, currency: string, gross?: boolean } | null
  employment: 'full_time' | 'part_time' | 'contract' | 'internship' | 'temporary' | null
  remoteType: 'office' | 'remote' | 'hybrid' | null
  tags: string[]
}

/** looks names up in the board's dictionaries, for mapping a job's free text to board ids */
export interface DictionaryLookup {
  /** items of dictionary `name` whose name is `text` (case- and accent-insensitive, whole name); [] when none */
  find (name: string, text: string): Promise<DictionaryItem[]>
}

/** a job value the board cannot take as it is */
export interface MappingProblem {
  /** where in the job (`/location`, `/salary`, `/employment`) */
  pointer: string
  detail: string
  /** the dictionary items the text could mean, when it is ambiguous */
  candidates?: DictionaryItem[]
  /**
   * The board fields this job value would fill (`cityId`; `salaryFrom`, `salaryTo`): a publication
   * that sets one of them itself settles the problem. Absent: only fixing the job settles it.
   */
  fields?: string[]
}

export interface MappedFields {
  /** board fields filled from the job; the publication's own `fields` override them */
  fields: Record<string, unknown>
  problems: MappingProblem[]
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
  /** what the board says of the posting now; a posting the board does not know is BoardError 'not_found' */
  getPosting (session: AccountSession<C>, account: BoardAccount, externalId: string): Promise<PostingStatus>
  /** the posting id in a link the host pasted (a board URL), or the text itself when it is an id; null when it is neither */
  postingIdFrom (urlOrId: string): string | null
  /**
   * The board's fields as the job fills them (salary in the board's units and currencies,
   * location matched in the board's dictionary, employment and remote type in its vocabulary).
   * Never throws for the job's content: what the board cannot take is a problem.
   */
  fieldsFromJob (job: JobForBoard, lookup: DictionaryLookup): Promise<MappedFields>
  /**
   * The request `publish` would send the board for this posting (the JSON body, or the form as an
   * object), built without any network call: what the host sees in the publish preview.
   */
  previewPayload (posting: PostingInput): unknown
  /**
   * Puts a closed posting back up (Work.ua, Robota.ua re-activation), with the publication's
   * current content. Absent where the board cannot: a reopen then publishes a new posting.
   */
  reactivate?: (session: AccountSession<C>, account: BoardAccount, externalId: string, posting: PostingInput) => Promise<PostingRef>
  /** prolongs or refreshes a live posting (hh prolongate); absent where the board offers neither */
  extend?: (session: AccountSession<C>, account: BoardAccount, externalId: string) => Promise<PostingStatus>
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

/** a file on its way from the board (a CV, a photo): unread; whoever opens it consumes or destroys `stream` */
export interface BoardFile {
  stream: Readable
  contentType: string
  /** bytes, when the board said */
  contentLength: number | null
  fileName: string | null
}

/** @deprecated the name before photos: a BoardFile */
export type ResumeFile = BoardFile

/** what the files of an application are opened from: the stored application */
export interface StoredApplication {
  externalId: string
  resumeUrl: string | null
  photoUrl: string | null
  raw: unknown
}

/**
 * Files of an application that need the account to open them: a CV the candidate attached
 * (Robota.ua `getfile`, hh's PDF), a photo behind the board's login or behind a link that expires
 * (hh: the adapter asks the board for a fresh link first). Only boards that serve them implement
 * these; elsewhere the resume is the text and link stored with the application.
 */
export interface FilesApi<C> {
  /** the CV file of the application, fetched with the account's credentials; null when it has none */
  openResume?: (session: AccountSession<C>, account: BoardAccount, application: StoredApplication) => Promise<BoardFile | null>
  /** the candidate's photo, fetched with the account's credentials; null when there is none */
  openPhoto?: (session: AccountSession<C>, account: BoardAccount, application: StoredApplication) => Promise<BoardFile | null>
}

/** what the host decided about an applicant, shared back to the board where it takes it */
export const OUTCOMES = ['hired', 'rejected', 'invited'] as const
export type Outcome = typeof OUTCOMES[number]

export interface OutcomesApi<C> {
  /** 'not_supported' where the board has no endpoint for it: recorded on our side only */
  shareOutcome (session: AccountSession<C>, account: BoardAccount, application: { externalId: string, raw: unknown }, outcome: Outcome): Promise<'shared' | 'not_supported'>
}

/** what a board's factory builds: its account, its catalogues, its publishing, its applicants, the outcomes shared back, its files */
export type BoardImplementation<C = any, I = any> = AccountApi<C, I> & DictionariesApi<C> & PublishingApi<C> & ResponsesApi<C> & OutcomesApi<C> & FilesApi<C>

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
  /** serves candidates' photos through the account (openPhoto) */
  photoFiles: boolean
  /**
   * How a closed posting is reopened: 'same_posting' where the board re-activates it
   * (reactivate), 'new_posting' where a new one is published in its place
   */
  reopen: 'same_posting' | 'new_posting'
  /** prolongs or refreshes a live posting (extend) */
  extend: boolean
}

/**
 * A request budget per key (an account, or whatever the board counts by), shared by every replica
 * (kept in Postgres): a board's limit holds however many processes send. Adapters of boards with a
 * documented limit ask before each request. Each board is given its own (keys do not collide
 * across boards). Never taken from inside `CredentialStore.update` (it holds a transaction; on the
 * embedded database a take would wait for it for ever).
 */
export interface RequestLimiter {
  /** waits until `key` may send one more request under `limit`; BoardError 'rate_limited' when that is further off than `maxWaitMs` */
  take (key: string, limit: { requests: number, perMs: number }, maxWaitMs: number): Promise<void>
  /** the board blocked `key` (a 429 with a known penalty): no replica sends for it before `ms` have passed */
  block (key: string, ms: number): Promise<void>
}

/** how a renewal of stored credentials went; 'reused': another call or replica had renewed them */
export type TokenRefreshOutcome = 'refreshed' | 'reused' | 'failed'

/** what every board's factory is given besides its own settings: the same for every board */
export interface BoardShared {
  /** board requests: timeout, retries of 429/5xx/network errors, longest Retry-After waited, who is told of each (the metrics) */
  http: { timeoutMs: number, maxRetries: number, maxRetryAfterMs: number, observe?: BoardHttpOptions['observe'] }
  /** told of every renewal of stored credentials (src/boards/renewal.ts): the metrics */
  onTokenRefresh?: (board: BoardId, outcome: TokenRefreshOutcome) => void
  /** pooled undici agents, one per account key */
  agents: AgentPool
  /** the board's request budgets, shared by the replicas (adapter tests: one in memory) */
  limiter: RequestLimiter
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
