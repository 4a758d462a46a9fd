// HeadHunter as jobsync knows it: OAuth2 through jobsync's registered application, a sync every
// hour, paid publications counted per type, outcomes through each response's own actions
// (docs/boards.md, HeadHunter).
import { defineBoard } from '../types.js'
import { createHeadHunterAdapter } from './adapter.js'
import { HeadHunterEnv } from './settings.js'

export const headhunter = defineBoard({
  id: 'headhunter',
  name: 'HeadHunter',
  auth: 'oauth2',
  syncIntervalMinutes: 60,
  env: HeadHunterEnv,
  capabilities: { recruiters: true, publicationQuota: true, outcomes: ['hired', 'rejected', 'invited'], resumeFiles: false, photoFiles: false, reopen: 'new_posting', extend: false },
  create: deps => createHeadHunterAdapter(deps)
})
