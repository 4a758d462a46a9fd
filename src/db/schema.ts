// Table types for Kysely: one interface per table, collected into Database.
// Keep them in step with migrations/ (the migration is the truth; these describe it).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { BoardId, JobForBoard, Outcome, PostingState } from '../boards/types.js'
import type { PublicationStatus } from '../modules/publications/status.js'
import type { OutboundFailure } from '../net/failures.js'
import type { IntegrationStatus } from '../modules/integrations/schemas.js'
import type { OutcomeShareStatus } from '../modules/candidates/schemas.js'
import type { UnstorableReason } from './errors.js'
import type { SigningScheme } from '../outbox/signature.js'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface TenantTable {
  id: Generated<string>
  name: string
  external_id: string | null
  created_at: CreatedAt
}

export interface ApiKeyTable {
  id: Generated<string>
  /** null for admin keys */
  tenant_id: string | null
  role: 'admin' | 'tenant'
  name: string
  /** the visible part of the key, for ops and for lookup */
  prefix: string
  /** SHA-256 of the whole key; the key itself is never stored */
  key_hash: Buffer
  created_at: CreatedAt
  revoked_at: Timestamp | null
}

export interface IntegrationTable {
  id: Generated<string>
  tenant_id: string
  board: BoardId
  name: string
  status: IntegrationStatus
  /** sealed with AES-256-GCM (src/crypto/secrets.ts) */
  credentials: Buffer
  credentials_key_id: string
  /**
   * the sealed credentials are bound to their tenant and row (associated data); false = sealed
   * before that, opened without it and re-sealed bound at start-up (src/modules/integrations/service.ts)
   */
  credentials_bound: ColumnType<boolean, boolean | undefined, boolean>
  credentials_public: ColumnType<Record<string, unknown>, string | undefined, string>
  /** the board's integrationOptions as the host set them (defaults not stored) */
  options: ColumnType<Record<string, unknown>, string | undefined, string>
  account_external_id: string | null
  account_name: string | null
  account_email: string | null
  last_checked_at: Timestamp | null
  last_error: ColumnType<IntegrationError | null, string | null, string | null>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface IntegrationError {
  code: string
  title: string
  detail: string
  boardStatus: number | null
}

export interface IntegrationRecruiterTable {
  integration_id: string
  external_id: string
  name: string
  email: string | null
  is_admin: boolean
  synced_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface JobTable {
  id: Generated<string>
  tenant_id: string
  host_job_id: string
  title: string
  description: string
  location: string | null
  salary: ColumnType<{ from?: number, to?: number, currency: string, gross?: boolean } | null, string | null, string | null>
  employment: string | null
  remote_type: ColumnType<JobForBoard['remoteType'], JobForBoard['remoteType'] | undefined, JobForBoard['remoteType']>
  tags: ColumnType<string[], string[] | undefined, string[]>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}


export interface PublicationErrorRecord {
  code: string
  title: string
  detail: string
  /** our field name, when the board or the check named one */
  field: string | null
  boardStatus: number | null
  errors?: Array<{ in: string, pointer: string, detail: string }>
}

export interface PublicationTable {
  id: Generated<string>
  tenant_id: string
  job_id: string
  integration_id: string
  board: BoardId
  status: PublicationStatus
  posting_state: ColumnType<PostingState, PostingState | undefined, PostingState>
  posting_external_id: string | null
  posting_url: string | null
  posting_reason: string | null
  title: string | null
  description: string | null
  fields: ColumnType<Record<string, unknown>, string | undefined, string>
  publication_type: string | null
  error: ColumnType<PublicationErrorRecord | null, string | null, string | null>
  action: string | null
  action_started_at: Timestamp | null
  first_published_at: Timestamp | null
  application_count: ColumnType<number, number | undefined, number>
  sync_interval_minutes: number | null
  next_sync_at: Timestamp | null
  next_sync_trigger: 'activation' | 'schedule' | 'manual' | null
  sync_cursor: string | null
  lease_owner: string | null
  lease_expires_at: Timestamp | null
  last_synced_at: Timestamp | null
  last_manual_sync_at: Timestamp | null
  last_edit: ColumnType<LastEditRecord | null, string | null | undefined, string | null>
  /** when the next posting check is due: a posting under review, or one whose sync is off; null = checked with each sync, or nothing to check */
  posting_check_at: Timestamp | null
  /** when the board will end the posting, where it says */
  posting_expires_at: Timestamp | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** the outcome of the last edit pushed to a publication's posting on the board */
export interface LastEditRecord {
  /** ISO 8601 */
  at: string
  status: 'applied' | 'refused' | 'failed'
  error: PublicationErrorRecord | null
}

export interface PublicationTransitionTable {
  id: Generated<number>
  publication_id: string
  from_status: PublicationStatus | null
  to_status: PublicationStatus
  from_posting: PostingState | null
  to_posting: PostingState
  event: string
  reason: string | null
  actor: string
  board_error: ColumnType<PublicationErrorRecord | null, string | null, never>
  created_at: CreatedAt
}

type TextArray = ColumnType<string[], string[] | undefined, string[]>
/** the id (xid8, as text) of the transaction that last wrote the row: set by a trigger, the change feeds' order */
type WrittenXid = ColumnType<string, never, never>
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>

export interface CandidateTable {
  id: Generated<string>
  tenant_id: string
  first_name: string | null
  last_name: string | null
  middle_name: string | null
  emails: TextArray
  phones: TextArray
  photo_url: string | null
  birth_date: DateOnly
  skills: TextArray
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  written_xid: WrittenXid
}

/** a candidate merged into another by the host */
export interface CandidateMergeTable {
  from_id: string
  tenant_id: string
  into_id: string
  merged_at: CreatedAt
}

export interface CandidateIdentityTable {
  tenant_id: string
  kind: 'email' | 'phone'
  value: string
  candidate_id: string
}

export interface ApplicationTable {
  id: Generated<string>
  tenant_id: string
  candidate_id: string
  publication_id: string
  job_id: string
  board: BoardId
  external_id: string
  applied_at: Timestamp | null
  board_updated_at: Timestamp | null
  first_name: string | null
  last_name: string | null
  middle_name: string | null
  emails: TextArray
  phones: TextArray
  photo_url: string | null
  birth_date: DateOnly
  resume_text: string | null
  resume_url: string | null
  cover_letter: string | null
  skills: TextArray
  url: string | null
  raw: ColumnType<unknown, string, string>
  outcome: Outcome | null
  outcome_at: Timestamp | null
  outcome_shared: OutcomeShareStatus | null
  outcome_error: ColumnType<PublicationErrorRecord | null, string | null, string | null>
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
  written_xid: WrittenXid
}

export type { OutcomeShareStatus }

/** an outcome on its way to the board: queued with the outcome, retried like a webhook delivery */
export interface OutcomeShareTable {
  id: Generated<string>
  tenant_id: string
  application_id: string
  outcome: Outcome
  status: ColumnType<OutcomeShareStatus, OutcomeShareStatus | undefined, OutcomeShareStatus>
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: ColumnType<Date, Date | undefined, Date>
  last_error: ColumnType<PublicationErrorRecord | null, string | null | undefined, string | null>
  queued_at: ColumnType<Date, Date | string | undefined, Date | string>
  done_at: Timestamp | null
}

/** a board's response a sync could not store (src/modules/candidates/ingest.ts) */
export interface UnstorableResponse { externalId: string, reason: UnstorableReason }

export interface SyncRunTable {
  id: Generated<string>
  tenant_id: string
  publication_id: string
  trigger: 'activation' | 'schedule' | 'manual'
  status: 'running' | 'succeeded' | 'failed'
  owner: string
  started_at: CreatedAt
  finished_at: Timestamp | null
  pages: ColumnType<number, number | undefined, number>
  fetched: ColumnType<number, number | undefined, number>
  created: ColumnType<number, number | undefined, number>
  updated: ColumnType<number, number | undefined, number>
  skipped: ColumnType<Record<string, number>, string | undefined, string>
  /** the first responses of the run the database refused even cleaned, with why */
  unstorable: ColumnType<UnstorableResponse[], string | undefined, string>
  cursor_start: string | null
  cursor_end: string | null
  error: ColumnType<PublicationErrorRecord | null, string | null, string | null>
}

export interface WebhookTable {
  id: Generated<string>
  tenant_id: string
  url: string
  events: TextArray
  description: string | null
  secret: Buffer
  secret_key_id: string
  /** how deliveries are signed: `legacy` for webhooks made before Standard Webhooks, until rotated */
  signing_scheme: ColumnType<SigningScheme, SigningScheme | undefined, SigningScheme>
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined, 'active' | 'disabled'>
  disabled_reason: string | null
  failing_since: Timestamp | null
  created_at: CreatedAt
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface OutboxEventTable {
  id: Generated<number>
  event_id: Generated<string>
  tenant_id: string
  type: string
  subject: string
  payload: ColumnType<unknown, string, never>
  created_at: CreatedAt
}

export interface WebhookDeliveryTable {
  id: Generated<string>
  webhook_id: string
  event_seq: number
  subject: string
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | 'delivered' | 'failed' | undefined, 'pending' | 'delivered' | 'failed'>
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>
  last_status_code: number | null
  /** a stable code (src/net/failures.ts), never a library's text */
  last_error: OutboundFailure | null
  delivered_at: Timestamp | null
  queued_at: ColumnType<Date, Date | string | undefined, Date | string>
  created_at: CreatedAt
}

export interface WebhookAttemptTable {
  id: Generated<number>
  delivery_id: string
  at: CreatedAt
  status_code: number | null
  /** a stable code (src/net/failures.ts) */
  error: OutboundFailure | null
  duration_ms: number
}

/** a board's request budget shared by the replicas (src/modules/boards/request-limiter.ts) */
export interface BoardRequestLimitTable {
  /** `<board>:<the board's key>` */
  key: string
  /** when the next request may start */
  next_at: Timestamp
  /** the board blocked the key until then (a 429) */
  blocked_until: Timestamp | null
}

/** one catalogue of a board as stored: board-wide (integration_id null) or one account's own */
export interface DictionaryCopyTable {
  id: Generated<number>
  board: BoardId
  name: string
  integration_id: string | null
  fetched_at: Timestamp
  checked_at: Timestamp
  etag: string | null
  last_modified: string | null
  item_count: ColumnType<number, number | undefined, number>
  refreshing_until: Timestamp | null
}

export interface DictionaryItemTable {
  copy_id: number
  id: string
  name: string
  parent_id: string | null
  search_name: string
  position: number
}

/** a POST's Idempotency-Key and, once answered, its answer (src/modules/idempotency) */
export interface IdempotencyKeyTable {
  /** `tenant:<id>` or `admin:<key id>` */
  owner: string
  key: string
  /** the tenant's rows go with it */
  tenant_id: string | null
  /** sha256 of the method, URL and canonical body */
  fingerprint: string
  /** the request's path, without its query (null on rows from before it was kept) */
  path: string | null
  /** which request holds the row: only it writes the answer or lets go */
  claim: string
  /** null while the first request is being processed */
  response_status: number | null
  /** the answer's headers and body, sealed (src/crypto/secrets.ts) */
  response: Buffer | null
  response_key_id: string | null
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface Database {
  idempotency_keys: IdempotencyKeyTable
  dictionary_copies: DictionaryCopyTable
  dictionary_items: DictionaryItemTable
  webhooks: WebhookTable
  outbox_events: OutboxEventTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
  candidates: CandidateTable
  candidate_identities: CandidateIdentityTable
  candidate_merges: CandidateMergeTable
  applications: ApplicationTable
  outcome_shares: OutcomeShareTable
  sync_runs: SyncRunTable
  jobs: JobTable
  publications: PublicationTable
  publication_transitions: PublicationTransitionTable
  tenants: TenantTable
  api_keys: ApiKeyTable
  integrations: IntegrationTable
  integration_recruiters: IntegrationRecruiterTable
  board_request_limits: BoardRequestLimitTable
}

export type Tenant = Selectable<TenantTable>
export type NewTenant = Insertable<TenantTable>
export type ApiKey = Selectable<ApiKeyTable>
export type NewApiKey = Insertable<ApiKeyTable>
export type ApiKeyUpdate = Updateable<ApiKeyTable>

export type Integration = Selectable<IntegrationTable>
export type NewIntegration = Insertable<IntegrationTable>
export type IntegrationRecruiter = Selectable<IntegrationRecruiterTable>
export type Job = Selectable<JobTable>
export type Publication = Selectable<PublicationTable>
export type NewPublication = Insertable<PublicationTable>
export type PublicationUpdate = Updateable<PublicationTable>
export type PublicationTransition = Selectable<PublicationTransitionTable>
export type DictionaryCopy = Selectable<DictionaryCopyTable>
export type Candidate = Selectable<CandidateTable>
export type Application = Selectable<ApplicationTable>
export type SyncRun = Selectable<SyncRunTable>
export type Webhook = Selectable<WebhookTable>
export type WebhookDelivery = Selectable<WebhookDeliveryTable>
export type OutboxEvent = Selectable<OutboxEventTable>
