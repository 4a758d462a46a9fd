// The few domain errors of jobsync. Each carries a stable code, an HTTP status and a problem type;
// the error handler (src/http/problems.ts) turns them into application/problem+json.

export interface FieldError {
  /** where the bad value is: body, query, path or header */
  in: 'body' | 'query' | 'path' | 'header'
  /** JSON pointer to the bad field within that part of the request */
  pointer: string
  detail: string
}

export interface ProblemInit {
  code: string
  status: number
  title: string
  detail?: string
  errors?: FieldError[]
  /** extra members of the problem document (RFC 9457 extensions) */
  extensions?: Record<string, unknown>
}

export const PROBLEM_BASE = 'https://jobsync.dev/problems/'

export class AppError extends Error {
  readonly code: string
  readonly status: number
  readonly title: string
  readonly errors: FieldError[] | undefined
  readonly extensions: Record<string, unknown> | undefined

  constructor (init: ProblemInit) {
    super(init.detail ?? init.title)
    this.name = 'AppError'
    this.code = init.code
    this.status = init.status
    this.title = init.title
    this.errors = init.errors
    this.extensions = init.extensions
  }

  /** problem type URI: the code without its prefix, kebab-cased */
  get type (): string {
    return PROBLEM_BASE + this.code.replace(/^JOBSYNC_ERR_/, '').toLowerCase().replace(/_/g, '-')
  }
}

export const notFound = (what: string, id?: string) => new AppError({
  code: 'JOBSYNC_ERR_NOT_FOUND',
  status: 404,
  title: 'Not Found',
  detail: id === undefined ? `${what} not found` : `${what} ${id} not found`
})

export const conflict = (detail: string, extensions?: Record<string, unknown>) => new AppError({
  code: 'JOBSYNC_ERR_CONFLICT', status: 409, title: 'Conflict', detail, extensions
})

export const invalidInput = (detail: string, errors: FieldError[] = []) => new AppError({
  code: 'JOBSYNC_ERR_VALIDATION', status: 400, title: 'Invalid request', detail, errors
})

export const unauthorized = (detail: string) => new AppError({
  code: 'JOBSYNC_ERR_UNAUTHORIZED', status: 401, title: 'Unauthorized', detail
})

export const forbidden = (detail: string) => new AppError({
  code: 'JOBSYNC_ERR_FORBIDDEN', status: 403, title: 'Forbidden', detail
})

export const serviceUnavailable = (detail: string) => new AppError({
  code: 'JOBSYNC_ERR_UNAVAILABLE', status: 503, title: 'Service Unavailable', detail
})
