import { Type, type Static } from 'typebox'
import { Timestamp, Uuid } from '../../http/schemas.js'
import { PUBLICATION_STATUSES } from '../publications/status.js'
import { LastEditSchema } from '../publications/schemas.js'

export const HostJobIdParams = Type.Object({
  hostJobId: Type.String({ pattern: '^[A-Za-z0-9._~:@-]{1,200}$', description: "the host's own id of the vacancy (letters, digits and ._~:@-, up to 200)" })
})

export const SalarySchema = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0 })),
  to: Type.Optional(Type.Integer({ minimum: 0 })),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. UAH, USD' }),
  gross: Type.Optional(Type.Boolean({ description: 'before tax' }))
}, { additionalProperties: false })

export const EmploymentSchema = Type.Enum(['full_time', 'part_time', 'contract', 'internship', 'temporary'])
export const RemoteTypeSchema = Type.Enum(['office', 'remote', 'hybrid'], { description: 'where the work is done' })

export const JobBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.String({ minLength: 1, maxLength: 100_000, description: 'HTML' }),
  location: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  salary: Type.Optional(Type.Union([SalarySchema, Type.Null()])),
  employment: Type.Optional(Type.Union([EmploymentSchema, Type.Null()])),
  remoteType: Type.Optional(Type.Union([RemoteTypeSchema, Type.Null()])),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }))
}, { additionalProperties: false })
export type JobInput = Static<typeof JobBody>

export const JobPublicationSummary = Type.Object({
  id: Uuid(),
  board: Type.String(),
  integrationId: Uuid(),
  status: Type.Enum([...PUBLICATION_STATUSES]),
  posting: Type.Object({ state: Type.String(), url: Type.Union([Type.String(), Type.Null()]) }),
  applicationCount: Type.Integer({ description: 'applications synced from the board for this publication' }),
  lastEdit: Type.Union([LastEditSchema, Type.Null()])
})

export const JobSchema = Type.Object({
  id: Uuid(),
  hostJobId: Type.String(),
  title: Type.String(),
  description: Type.String(),
  location: Type.Union([Type.String(), Type.Null()]),
  salary: Type.Union([SalarySchema, Type.Null()]),
  employment: Type.Union([EmploymentSchema, Type.Null()]),
  remoteType: Type.Union([RemoteTypeSchema, Type.Null()]),
  tags: Type.Array(Type.String()),
  publications: Type.Array(JobPublicationSummary),
  applicationCount: Type.Integer({ description: 'applications across all publications of the job' }),
  createdAt: Timestamp(),
  updatedAt: Timestamp()
}, { $id: 'Job' })
export type JobView = Static<typeof JobSchema>
