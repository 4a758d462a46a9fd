// The sandbox board: no credentials, no network, no settings; everything it answers is derived
// from the account name, so a host can try every flow without a real board account.
import { Type } from 'typebox'
import { defineBoard } from '../types.js'
import { createSandboxAdapter } from './adapter.js'

export const sandbox = defineBoard({
  id: 'sandbox',
  name: 'Sandbox',
  auth: 'none',
  syncIntervalMinutes: 60,
  env: Type.Object({}),
  capabilities: { recruiters: true, publicationQuota: true, outcomes: ['hired', 'rejected', 'invited'], resumeFiles: false, photoFiles: true, reopen: 'same_posting', extend: true },
  create: () => createSandboxAdapter()
})
