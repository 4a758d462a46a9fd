// What it takes to publish on each board in tests: an installed account, fields the board
// accepts, and the board-side moves (approve, reject, remove) a test can make on the fake. One
// fixture per board of the registry, from the boards' scenarios (test/fakes/index.ts).
import type { LightMyRequestResponse } from 'fastify'
import { BOARDS, boardDefinition, type BoardId } from '../../src/boards/registry.js'
import type { ScenarioAccount } from '../fakes/definition.js'
import { serverGroup, type FakeServerGroup } from '../fakes/fake-server.js'
import { fakeDefinition, hasFake, scenarioOf } from '../fakes/index.js'
import { bearer, type TestApp } from './app.js'
import type { FakeBoards } from './boards.js'

export type Call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => Promise<LightMyRequestResponse>

export interface BoardFixture {
  board: BoardId
  /** installs a fresh account and returns the integration id */
  install: (call: Call) => Promise<string>
  fields: Record<string, unknown>
  /** a required field to leave out to see the publish refused; null where no field is required (the sandbox) */
  requiredField: string | null
  publicationType: string
  /** the board's moderator approves the posting */
  approve: (externalId: string) => void
  /** the board rejects or removes the posting; what the publication's reason should mention */
  fail: (externalId: string) => RegExp
  /** fields for a posting the test will fail (the sandbox decides its moderation at publish) */
  failFields?: Record<string, unknown>
  /** `n` more applicants on a posting (none on the sandbox, whose applicants come with the posting's fields) */
  addResponses: (postingId: string, n: number) => void
  /** the board's fake servers and the request that creates a posting there, to inject faults into; null on the in-process sandbox */
  fake: { server: FakeServerGroup, createRequest: RegExp } | null
}

let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

export const LONG_DESCRIPTION = '<p>' + 'We are looking for a senior engineer to build integrations with job boards. '.repeat(5) + '</p>'

/** the `credentials` to install an account with: the board's, and the signed `state` of the app's authorize URL on an OAuth board */
export async function installCredentials (call: Call, board: BoardId, account: ScenarioAccount): Promise<Record<string, unknown>> {
  const credentials = account.credentials()
  if (boardDefinition(board)?.auth !== 'oauth2') return credentials
  const { state } = (await call('GET', `/v1/boards/${board}/authorize-url`)).json()
  return { ...credentials, state }
}

/** POST /v1/integrations for the account, as the host does it */
export async function installAccount (call: Call, board: BoardId, account: ScenarioAccount): Promise<LightMyRequestResponse> {
  return await call('POST', '/v1/integrations', { board, name: unique(board), credentials: await installCredentials(call, board, account) })
}

export function fixtures (boards: FakeBoards): BoardFixture[] {
  return BOARDS.map(({ id: board }): BoardFixture => {
    const fake = hasFake(board) ? boards[board] : undefined
    const definition = hasFake(board) ? fakeDefinition(board) : undefined
    const { newAccount, publishing, responses } = scenarioOf(board)
    return {
      board,
      install: async call => {
        const res = await installAccount(call, board, newAccount(fake))
        if (res.statusCode !== 201) throw new Error(`install ${board} failed: ${res.body}`)
        return res.json().id
      },
      fields: publishing.fields,
      requiredField: publishing.requiredField,
      publicationType: publishing.publicationType,
      approve: externalId => { publishing.approve(fake, externalId) },
      fail: externalId => publishing.fail(fake, externalId),
      ...(publishing.failFields === undefined ? {} : { failFields: publishing.failFields }),
      addResponses: (postingId, n) => {
        // a board whose responses come with the posting's fields (the sandbox) takes none afterwards
        if (responses.fieldsFor === undefined) responses.add(fake, postingId, n)
      },
      fake: definition === undefined ? null : { server: serverGroup(definition.servers(fake)), createRequest: definition.requests.publish }
    }
  })
}

export async function tenantCaller (app: TestApp): Promise<Call> {
  const { key } = await app.tenant()
  return async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
}
