// One person is one candidate per tenant: an application joins the candidate that already owns one
// of its normalised emails or phones (emails first: a shared office phone is weaker evidence), or
// makes a new one. A second application fills the candidate's empty fields and never blanks one.
import type { BoardApplication } from '../boards/types.js'
import { normalizeEmails, normalizePhones } from './normalize.js'

export interface NormalizedApplication extends BoardApplication {
  emails: string[]
  phones: string[]
}

export function normalizeApplication (item: BoardApplication): NormalizedApplication {
  return { ...item, emails: normalizeEmails(item.emails), phones: normalizePhones(item.phones) }
}

export interface Identity { kind: 'email' | 'phone', value: string }

export function identitiesOf (item: NormalizedApplication): Identity[] {
  return [
    ...item.emails.map(value => ({ kind: 'email' as const, value })),
    ...item.phones.map(value => ({ kind: 'phone' as const, value }))
  ]
}

export const identityKey = (i: Identity) => `${i.kind}:${i.value}`

/** the candidate an application belongs to: its earlier application's, else the first identity known */
export function matchCandidate (item: NormalizedApplication, existingCandidate: string | undefined, known: ReadonlyMap<string, string>): string | undefined {
  if (existingCandidate !== undefined) return existingCandidate
  for (const identity of identitiesOf(item)) {
    const owner = known.get(identityKey(identity))
    if (owner !== undefined) return owner
  }
  return undefined
}
