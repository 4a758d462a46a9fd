// The sandbox board: no credentials, no network, deterministic. It lets a host try every flow
// (install, publish, sync, deliver) without a real board account, through the same service code
// as the real boards. Everything it returns is derived from the account name.
import { Type, type Static } from 'typebox'
import { createHash } from 'node:crypto'
import type { BoardAdapter, BoardAccount, Recruiter } from '../types.js'
import { sandboxFields, sandboxPublicationTypes } from './fields.js'

export const SandboxInstall = Type.Object({
  accountName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'several sandbox accounts per tenant are told apart by name (default "Sandbox")' }))
}, { additionalProperties: false })
export type SandboxInstall = Static<typeof SandboxInstall>

export interface SandboxCredentials { accountName: string }

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8)

export function createSandboxAdapter (): BoardAdapter<SandboxCredentials, SandboxInstall> {
  return {
    id: 'sandbox',
    name: 'Sandbox',
    auth: 'none',
    syncIntervalMinutes: 60,
    credentialsSchema: SandboxInstall,
    publicCredentialFields: ['accountName'],
    publicationFields: sandboxFields,
    publicationTypes: sandboxPublicationTypes,

    async connect (input) {
      return { accountName: input.accountName ?? 'Sandbox' }
    },

    async checkAccount (session): Promise<BoardAccount> {
      const { accountName } = session.credentials.current()
      return { externalId: `sandbox-${shortHash(accountName)}`, name: accountName, email: `employer+${shortHash(accountName)}@sandbox.jobsync.dev` }
    },

    async listRecruiters (_session, account): Promise<Recruiter[]> {
      return [
        { externalId: `${account.externalId}-r1`, name: 'Olena Kovalenko', email: `olena+${account.externalId}@sandbox.jobsync.dev`, isAdmin: true },
        { externalId: `${account.externalId}-r2`, name: 'Taras Shevchuk', email: `taras+${account.externalId}@sandbox.jobsync.dev`, isAdmin: false }
      ]
    }
  }
}
