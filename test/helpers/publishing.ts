// What it takes to publish on each board in tests: an installed account, fields the board
// accepts, and the board-side moves (approve, reject, remove) a test can make on the fake.
import type { LightMyRequestResponse } from 'fastify'
import { bearer, type TestApp } from './app.js'
import type { FakeBoards } from './boards.js'

export type Call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => Promise<LightMyRequestResponse>

export interface BoardFixture {
  board: 'djinni' | 'workua' | 'robotaua' | 'headhunter' | 'sandbox'
  /** installs a fresh account and returns the integration id */
  install: (call: Call) => Promise<string>
  fields: Record<string, unknown>
  /** a required field to leave out to see the publish refused */
  requiredField: string
  publicationType: string
  /** the board's moderator approves the posting */
  approve: (externalId: string) => void
  /** the board rejects or removes the posting; what the publication's reason should mention */
  fail: (externalId: string) => RegExp
  /** fields for a posting the test will fail (the sandbox decides its moderation at publish) */
  failFields?: Record<string, unknown>
  /** the request that creates the posting on the fake, to inject faults into */
  createRequest: RegExp
}

let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

export const LONG_DESCRIPTION = '<p>' + 'We are looking for a senior engineer to build integrations with job boards. '.repeat(5) + '</p>'

export function fixtures (boards: FakeBoards): BoardFixture[] {
  const install = async (call: Call, board: string, credentials: object): Promise<string> => {
    const res = await call('POST', '/v1/integrations', { board, name: unique(board), credentials })
    if (res.statusCode !== 201) throw new Error(`install ${board} failed: ${res.body}`)
    return res.json().id
  }
  return [
    {
      board: 'djinni',
      install: async call => await install(call, 'djinni', { keyName: 'k', apiKey: boards.djinni.addAccount({ key: unique('dj') }).key }),
      fields: { category: 'JavaScript', experienceYears: 3, location: 'Kyiv', remoteType: 'remote' },
      requiredField: 'category',
      publicationType: 'standard',
      createRequest: /^POST \/api\/v2\/jobs\/$/,
      approve: id => { boards.djinni.approveJob(Number(id)) },
      fail: id => { boards.djinni.rejectJob(Number(id), 'Salary range is missing'); return /Salary range is missing/ }
    },
    {
      board: 'workua',
      install: async call => {
        const account = boards.workua.addAccount({ login: `${unique('wu')}@acme.ua`, password: unique('pw'), publications: { standart_job: 20 } })
        return await install(call, 'workua', { login: account.login, password: account.password })
      },
      fields: { regionId: 1, categoryIds: [1], jobtypeIds: [74] },
      requiredField: 'regionId',
      publicationType: 'standart_job',
      createRequest: /^POST \/jobs$/,
      approve: id => { boards.workua.approveJob(Number(id)) },
      // Work.ua shows no rejection, only a job that is gone
      fail: id => { boards.workua.deleteJob(Number(id)); return /removed/ }
    },
    {
      board: 'robotaua',
      install: async call => {
        const account = boards.robotaua.addAccount({ username: `${unique('ro')}@acme.ua`, password: unique('pw'), kind: 'employer' })
        boards.robotaua.setTickets('Business', 20, account.username)
        return await install(call, 'robotaua', { login: account.username, password: account.password })
      },
      fields: { cityId: 1 },
      requiredField: 'cityId',
      publicationType: 'Business',
      createRequest: /^POST \/api\/vacancy\/add$/,
      approve: id => { boards.robotaua.approveVacancy(Number(id)) },
      fail: id => { boards.robotaua.rejectVacancy(Number(id), 'Вакансія порушує правила'); return /правила/ }
    },
    {
      board: 'headhunter',
      install: async call => {
        const account = boards.hh.addEmployerAccount()
        const { state } = (await call('GET', '/v1/boards/headhunter/authorize-url')).json()
        return await install(call, 'headhunter', { code: boards.hh.issueAuthCode(account.key), state })
      },
      fields: { areaId: '1', vacancyType: 'open', professionalRoleId: '96' },
      requiredField: 'areaId',
      publicationType: 'standard',
      createRequest: /^POST \/vacancies$/,
      approve: id => { boards.hh.approveVacancy(id) },
      fail: id => { boards.hh.removeVacancy(id); return /removed/ }
    },
    {
      board: 'sandbox',
      install: async call => await install(call, 'sandbox', { accountName: unique('sandbox') }),
      fields: { applicants: 3 },
      requiredField: '',
      publicationType: 'standard',
      createRequest: /^$/,
      approve: () => {},
      fail: () => /sandbox moderator/,
      failFields: { applicants: 3, moderation: 'reject' }
    }
  ]
}

export async function tenantCaller (app: TestApp): Promise<Call> {
  const { key } = await app.tenant()
  return async (method, url, payload) => await app.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) })
}
