// The sandbox has no fake: it has no API outside jobsync, its adapter simulates the board in-process
// (docs/boards.md, Sandbox). This is only what the cross-board tests do with it, in the same shape
// as the fake boards' scenarios, so the sandbox goes through them like any board.
import { randomUUID } from 'node:crypto'
import type { InProcessDefinition } from './definition.js'

export const sandboxBoard: InProcessDefinition<'sandbox'> = {
  id: 'sandbox',
  scenario: {
    newAccount: () => {
      const accountName = `sandbox-${randomUUID().slice(0, 8)}`
      return {
        credentials: () => ({ accountName }),
        revoke: () => { throw new Error('the sandbox takes any account: there is nothing to revoke') }
      }
    },
    publishing: {
      fields: { applicants: 3 },
      publicationType: 'standard',
      requiredField: null,
      // the sandbox decides its moderation when the posting is published
      failFields: { applicants: 3, moderation: 'reject' },
      approve: () => {},
      fail: () => /sandbox moderator/
    },
    responses: {
      severalPages: 45, // pages of 20
      fieldsFor: n => ({ applicants: n }),
      // the applicants came with the posting (fieldsFor); each is the posting's id and a number
      add: (_fake, postingId, n, extra) => {
        if (extra !== undefined) throw new Error('no board sends the sandbox anything: it has no unknown fields to add')
        return Array.from({ length: n }, (_, i) => `${postingId}-${i}`)
      }
    }
  }
}
