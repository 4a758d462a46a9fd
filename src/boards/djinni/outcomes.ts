// Sharing a hiring outcome back to Djinni, which our requirements ask for (docs/boards.md, Djinni: Outcomes).
// Djinni's employer API is private, so the call is the ASSUMED CONTRACT of docs/boards.md and
// test/fakes/djinni.ts: `POST /applications/{id}/status` with JSON `{status}` → 200, where `{id}`
// is the candidate id of the job's candidate list (our application's externalId); an unknown or
// another account's application is 404 `{detail:"Not found."}`.
import { BoardError } from '../errors.js'
import type { Outcome, OutcomesApi } from '../types.js'
import { boardErrorOf, type DjinniClient, type DjinniCredentials } from './client.js'

const board = 'djinni'

// assumed contract: Djinni's statuses are our outcome names
const DJINNI_STATUS: Record<Outcome, string> = { hired: 'hired', rejected: 'rejected', invited: 'invited' }

export function createDjinniOutcomes (client: DjinniClient): OutcomesApi<DjinniCredentials> {
  return {
    async shareOutcome (session, _account, application, outcome) {
      const path = `/applications/${encodeURIComponent(application.externalId)}/status`
      const res = await client.send(session, {
        method: 'POST',
        path,
        json: { status: DJINNI_STATUS[outcome] },
        // setting a status is a state, not a creation: sending it twice is harmless, so a 5xx or a
        // dropped connection may be retried like a PUT
        idempotent: true
      })
      if (res.status === 404) {
        throw new BoardError({ board, kind: 'not_found', detail: `Djinni has no application ${application.externalId} for this account (removed, or another account's)`, boardStatus: 404 })
      }
      if (res.status < 200 || res.status >= 300) throw boardErrorOf(res, [session.credentials.current().apiKey])
      return 'shared'
    }
  }
}
