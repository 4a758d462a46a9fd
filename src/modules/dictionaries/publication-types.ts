// The publication types of an integration's board with the paid publications left of each, so the
// host can show "2 Hot publications left" before the employer clicks. The counts come from the
// board at request time and are kept per integration for PUBLICATION_TYPES_CACHE_SECONDS in this
// process; a publish through this process forgets them at once (another replica's may show a count
// up to that old). A board that cannot be asked answers with the last counts it gave, if any.
import type { FastifyBaseLogger } from 'fastify'
import { notFound } from '../../errors.js'
import { BoardError } from '../../boards/errors.js'
import type { PublicationQuota } from '../../boards/types.js'
import type { IntegrationService } from '../integrations/service.js'
import type { PublicationTypesView } from './schemas.js'

export interface PublicationTypesDeps {
  integrations: Pick<IntegrationService, 'openAccount' | 'markFailed'>
  cacheMs: number
  log: FastifyBaseLogger
}

const CACHE_MAX = 10_000

export function createPublicationTypes ({ integrations, cacheMs, log }: PublicationTypesDeps) {
  const counted = new Map<string, { at: Date, quotas: PublicationQuota[] }>()

  return {
    async list (tenantId: string, integrationId: string): Promise<PublicationTypesView> {
      const opened = await integrations.openAccount(tenantId, integrationId, { refuseTurnedOff: true })
      if (opened === undefined) throw notFound('integration', integrationId)
      const { adapter, session, account } = opened
      let known = counted.get(integrationId)
      // a board that does not count, or has nothing paid, is not asked
      const asks = adapter.capabilities.publicationQuota && adapter.publicationTypes.some(t => t.paid)
      if (!asks) known = { at: new Date(), quotas: [] }
      if (known === undefined || Date.now() - known.at.getTime() >= cacheMs) {
        try {
          known = { at: new Date(), quotas: await adapter.availablePublications(session, account) }
          if (counted.size >= CACHE_MAX) counted.clear()
          counted.set(integrationId, known)
        } catch (error) {
          if (!(error instanceof BoardError)) throw error
          if (error.isCredentialProblem) {
            counted.delete(integrationId)
            await integrations.markFailed(tenantId, integrationId, error)
            throw error
          }
          if (known === undefined) throw error
          log.warn({ integration: integrationId, board: adapter.id, kind: error.kind }, 'publication quota not refreshed: the last counts are shown')
        }
      }
      const quotas = known.quotas
      return {
        items: adapter.publicationTypes.map(t => {
          const available = quotas.find(q => q.publicationType === t.id)?.available
          return { id: t.id, name: t.name, paid: t.paid, remaining: available === undefined || available === null ? null : Math.max(0, available) }
        }),
        checkedAt: known.at.toISOString()
      }
    },

    /** a publication was spent (or given back) through this integration: ask the board next time */
    forget (integrationId: string): void {
      counted.delete(integrationId)
    }
  }
}

export type PublicationTypes = ReturnType<typeof createPublicationTypes>
