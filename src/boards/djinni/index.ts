// Djinni as jobsync knows it: a named API key from the employer's profile, a sync every 30 minutes
// (docs/boards.md, Djinni), every outcome shared back. The adapter is in adapter.ts.
import { defineBoard } from '../types.js'
import { createDjinniAdapter } from './adapter.js'
import { DjinniEnv } from './settings.js'

export const djinni = defineBoard({
  id: 'djinni',
  name: 'Djinni',
  auth: 'api_key',
  syncIntervalMinutes: 30,
  env: DjinniEnv,
  capabilities: { recruiters: true, publicationQuota: false, outcomes: ['hired', 'rejected', 'invited'], resumeFiles: false, photoFiles: false, reopen: 'new_posting', extend: false },
  create: deps => createDjinniAdapter(deps)
})
