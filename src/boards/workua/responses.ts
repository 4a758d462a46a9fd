// Candidate sync on Work.ua: the responses (applications) to one job, paged with Work.ua's own id
// cursor, as docs/boards.md (Work.ua, Responses) describes it; what that leaves open follows test/fakes/workua.ts and is marked ASSUMPTION.
//   page  GET /jobs/{id}/responses/?last_id={cursor}&limit=50 → {status:"ok", items:[...]}, the
//         responses with an id greater than last_id, oldest first; 404 when there is none (the end,
//         not an error). One request per page, one page at a time: Work.ua blocks the IP for a
//         minute above 50 requests/s (the client also spaces every request, see client.ts).
//
// THE CURSOR is JSON `{"lastId":N}`: N is the highest response id Work.ua has sent for this job,
// whether the response was transferred or skipped by the filter below.
//   - resume: each page's cursor is the highest id on it, so a run killed after any stored page asks
//     for `last_id=N` next time: nothing after the page is lost, nothing on it is fetched again;
//   - next run: the final page's cursor is the same kind, so the next run fetches only responses that
//     arrived since. No look-back overlap: `last_id` is the board's own cursor over unique, increasing
//     ids (docs/boards.md), not a timestamp, so there are no equal values at the edge to miss;
//   - changes: Work.ua sends no update time and has no `since`; a response read once is not read
//     again, so a flag set or cleared on Work.ua afterwards does not reach us;
//   - skipped responses move the cursor too, or every run would fetch them again forever; one that
//     Work.ua un-archives later stays skipped (decided: the seeds transfer what is clean on arrival);
//   - null (or a cursor this code cannot read, logged) = from the first response.
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { BoardError } from '../errors.js'
import { kyivIsoWithOffset, kyivLocalToInstant } from '../kyiv-time.js'
import type { AccountSession, BoardApplication, ResponsePage, ResponsesApi } from '../types.js'
import { parsePayload, type WorkuaClient, type WorkuaCredentials } from './client.js'
import { splitFio } from './names.js'
import { jobIdOf } from './publishing.js'

const board = 'workua'

// docs/boards.md: `limit=50`; ASSUMPTION (the fake): 50 is also the most Work.ua gives
export const WORKUA_RESPONSES_PAGE_SIZE = 50

const Id = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]{0,14}$' })])
const Text = Type.Optional(Type.Union([Type.String(), Type.Null()]))
// ASSUMPTION (the fake): booleans; PHP backends also send 0/1, taken the same way
const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1), Type.Null()]))
// ASSUMPTION (the fake): `YYYY-MM-DD HH:MM:SS`, Kyiv local time without an offset; an ISO time with
// an offset is taken as well
const BoardTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?( ?(Z|[+-]\\d{2}:?\\d{2}))?$' })

// docs/boards.md: `id, job_id, candidate_id, date, fio, birth_date, email, phone, type (resume|file|easy),
// text, cover`; ASSUMPTION (the fake): the filter flags `blacklisted`, `archived`, `rejected`.
// `type` is not read (any text goes), so a new kind of response does not stop the sync.
const ResponseItem = Type.Object({
  id: Id,
  job_id: Id,
  candidate_id: Type.Optional(Type.Union([Id, Type.Null()])),
  date: Type.Union([BoardTime, Type.Null()]),
  fio: Text,
  birth_date: Text,
  email: Text,
  phone: Text,
  type: Text,
  text: Text,
  cover: Text,
  blacklisted: Flag,
  archived: Flag,
  rejected: Flag
})
type ResponseItem = Static<typeof ResponseItem>
const ResponseList = Type.Object({ status: Type.Literal('ok'), items: Type.Array(ResponseItem) })

const Cursor = Type.Object({ lastId: Type.Integer({ minimum: 0 }) })

// Work.ua responses flagged blacklisted, archived or rejected are not brought over (docs/boards.md,
// Work.ua, Responses); one with several flags is counted once, under the first of these
const SKIP_REASONS = ['blacklisted', 'archived', 'rejected'] as const

type Session = AccountSession<WorkuaCredentials>

function readCursor (cursor: string | null, session: Session): number {
  if (cursor === null) return 0
  let value: unknown
  try {
    value = JSON.parse(cursor)
  } catch {}
  if (Value.Check(Cursor, value) && Number.isSafeInteger(value.lastId)) return value.lastId
  // starting over re-reads what is stored already, which the service's upserts make harmless
  session.log.warn({ board }, 'unreadable Work.ua responses cursor: syncing from the first response')
  return 0
}

const cursorOf = (lastId: number): string => JSON.stringify({ lastId })

/** Work.ua's `date` (Kyiv local time) as ISO 8601 with Kyiv's offset of that moment; null when it names no real time */
export function workuaTimeToIso (text: string): string | null {
  const instant = kyivLocalToInstant(text)
  return instant === null ? null : kyivIsoWithOffset(instant)
}

/** `YYYY-MM-DD` when the text starts with a real date (PHP's `0000-00-00` is none) */
function birthDateOf (text: string | null | undefined): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text ?? '')
  if (match === null) return null
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  return year >= 1900 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? match[0] : null
}

/** text as Work.ua sent it, or null when there is none */
const textOf = (text: string | null | undefined): string | null => text === undefined || text === null || text.trim() === '' ? null : text
/** a contact as Work.ua sent it (the service normalises it), or none */
const listOf = (text: string | null | undefined): string[] => textOf(text) === null ? [] : [text as string]

const isSet = (flag: boolean | 0 | 1 | null | undefined): boolean => flag === true || flag === 1

/** why the seeds say not to transfer this response, or null when it is transferred */
const skipReasonOf = (item: ResponseItem): typeof SKIP_REASONS[number] | null => SKIP_REASONS.find(reason => isSet(item[reason])) ?? null

/**
 * One Work.ua response in our shape. Work.ua sends no photo, no skills, no resume file (the seeds:
 * resume as text only), and no update time (so updatedAt = appliedAt). No `url`: docs/boards.md documents
 * no page of a response, and `candidate_id` is not known to be the id in a resume's public address,
 * so a built link could show someone else.
 */
function applicationOf (item: ResponseItem): BoardApplication {
  const appliedAt = item.date === null ? null : workuaTimeToIso(item.date)
  return {
    externalId: String(item.id),
    appliedAt,
    updatedAt: appliedAt,
    ...splitFio(item.fio),
    emails: listOf(item.email),
    phones: listOf(item.phone),
    photoUrl: null,
    birthDate: birthDateOf(item.birth_date),
    resumeText: textOf(item.text),
    resumeUrl: null,
    coverLetter: textOf(item.cover),
    skills: [],
    url: null,
    raw: item
  }
}

export interface WorkuaResponsesOptions {
  /** responses asked for per page; default WORKUA_RESPONSES_PAGE_SIZE */
  pageSize?: number
}

export function createWorkuaResponses (client: WorkuaClient, options: WorkuaResponsesOptions = {}): ResponsesApi<WorkuaCredentials> {
  const pageSize = options.pageSize ?? WORKUA_RESPONSES_PAGE_SIZE

  /** the responses of job `jobId` after `lastId`, or null when Work.ua has none (its 404) */
  async function fetchPage (session: Session, jobId: string, lastId: number): Promise<ResponseItem[] | null> {
    try {
      // docs/boards.md writes the first page as `last_id=` (empty)
      const res = await client.call(session, { method: 'GET', path: `/jobs/${jobId}/responses/`, query: { last_id: lastId === 0 ? '' : lastId, limit: pageSize } })
      const list = parsePayload(ResponseList, res.body, `response list (GET /jobs/${jobId}/responses/)`)
      return list.items.length === 0 ? null : list.items
    } catch (error) {
      // an empty list comes back as a 404 (docs/boards.md, Work.ua, Responses). ASSUMPTION: Work.ua answers a job that is gone the same way
      // (the fake does), so a removed job reads as one without new responses; getPosting tells it apart
      if (error instanceof BoardError && error.boardStatus === 404) return null
      throw error
    }
  }

  return {
    async * pageThroughResponses (session, _account, postingId, cursor): AsyncGenerator<ResponsePage> {
      const jobId = jobIdOf(postingId)
      let lastId = readCursor(cursor, session)
      let yielded = false
      for (;;) {
        const items = await fetchPage(session, jobId, lastId)
        if (items === null) {
          if (!yielded) yield { items: [], skipped: {}, cursor: cursorOf(lastId) }
          return
        }
        let highest = lastId
        const applications: BoardApplication[] = []
        const skipped: Record<string, number> = {}
        for (const item of items) {
          const id = Number(item.id)
          if (String(item.job_id) !== jobId) {
            throw new BoardError({ board, kind: 'bad_response', detail: `Work.ua sent response ${id} of job ${String(item.job_id)} among the responses to job ${jobId}` })
          }
          // a response at or below last_id is one we have; it must not hold the cursor back
          if (id <= lastId) continue
          highest = Math.max(highest, id)
          const reason = skipReasonOf(item)
          if (reason === null) applications.push(applicationOf(item))
          else skipped[reason] = (skipped[reason] ?? 0) + 1
        }
        if (highest === lastId) {
          // a board that ignores last_id would hand out the same page forever
          throw new BoardError({ board, kind: 'bad_response', detail: `Work.ua sent no response after id ${lastId} for job ${jobId} (last_id not honoured)` })
        }
        lastId = highest
        session.log.debug({ board, jobId, fetched: items.length, transferred: applications.length, skipped, lastId }, 'Work.ua responses page')
        yield { items: applications, skipped, cursor: cursorOf(lastId) }
        yielded = true
        // a short page is the last one: asking again would only bring the 404
        if (items.length < pageSize) return
      }
    }
  }
}
