// What can go wrong talking to a board, as one error type with a kind. Adapters throw these;
// services decide what they mean for an integration or a publication; the error handler turns
// them into problem+json. Messages never carry credentials.
import { AppError, type FieldError } from '../errors.js'
import type { BoardId } from './types.js'

export type BoardErrorKind =
  | 'invalid_credentials' // wrong key or password, revoked token
  | 'not_employer'        // a job-seeker account where an employer account is needed
  | 'account_blocked'     // the board blocked the employer account
  | 'no_api_access'       // the account has no API access (Djinni: ask magic@djinni.co)
  | 'unavailable'         // 5xx or network failure after retries
  | 'timeout'             // no answer in time after retries
  | 'rate_limited'        // 429 for longer than we are willing to wait
  | 'bad_response'        // malformed or unexpected payload
  | 'rejected'            // the board refused the request (validation); see field
  | 'quota'               // no paid publication / view left
  | 'duplicate'           // the board says it has this already
  | 'not_found'           // the posting or item is gone on the board

const statusByKind: Record<BoardErrorKind, number> = {
  invalid_credentials: 422,
  not_employer: 422,
  account_blocked: 422,
  no_api_access: 422,
  unavailable: 502,
  timeout: 504,
  rate_limited: 429,
  bad_response: 502,
  rejected: 422,
  quota: 422,
  duplicate: 409,
  not_found: 422
}

const titleByKind: Record<BoardErrorKind, string> = {
  invalid_credentials: 'Board credentials rejected',
  not_employer: 'Employer account required',
  account_blocked: 'Board account blocked',
  no_api_access: 'No API access on the board',
  unavailable: 'Board unavailable',
  timeout: 'Board timed out',
  rate_limited: 'Board rate limit',
  bad_response: 'Unexpected answer from the board',
  rejected: 'Refused by the board',
  quota: 'No paid publications left',
  duplicate: 'Duplicate on the board',
  not_found: 'Not found on the board'
}

export interface BoardErrorInit {
  board: BoardId
  kind: BoardErrorKind
  detail: string
  /** the HTTP status the board answered with, if any */
  boardStatus?: number
  /** our field name, when the board named the field it refused */
  field?: string
  retryAfterMs?: number
}

export class BoardError extends AppError {
  readonly board: BoardId
  readonly kind: BoardErrorKind
  readonly boardStatus: number | undefined
  readonly field: string | undefined
  readonly retryAfterMs: number | undefined

  constructor (init: BoardErrorInit) {
    // title, description and publicationType are the publication's own; the rest are the board's `fields`
    const pointer = init.field === 'title' || init.field === 'description' || init.field === 'publicationType' ? `/${init.field}` : `/fields/${init.field ?? ''}`
    const errors: FieldError[] | undefined = init.field === undefined ? undefined : [{ in: 'body', pointer, detail: init.detail }]
    super({
      code: `JOBSYNC_ERR_BOARD_${init.kind.toUpperCase()}`,
      status: statusByKind[init.kind],
      title: titleByKind[init.kind],
      detail: init.detail,
      errors,
      extensions: { board: init.board, boardStatus: init.boardStatus ?? null }
    })
    this.name = 'BoardError'
    this.board = init.board
    this.kind = init.kind
    this.boardStatus = init.boardStatus
    this.field = init.field
    this.retryAfterMs = init.retryAfterMs
  }

  /** the credentials themselves are at fault (as opposed to the board being down) */
  get isCredentialProblem (): boolean {
    return this.kind === 'invalid_credentials' || this.kind === 'not_employer' || this.kind === 'account_blocked' || this.kind === 'no_api_access'
  }
}

/** a board this deployment has turned off (the sandbox with SANDBOX_ENABLED=false): nothing is sent through it */
export function boardTurnedOff (name: string): AppError {
  return new AppError({
    code: 'JOBSYNC_ERR_BOARD_DISABLED',
    status: 422,
    title: 'Board turned off',
    detail: `the ${name} board is turned off on this deployment${name === 'Sandbox' ? ' (SANDBOX_ENABLED=false)' : ''}; its integrations are kept but neither publish nor sync`
  })
}
