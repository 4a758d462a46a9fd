// Work.ua as jobsync knows it: login and password (HTTP Basic), a sync every hour, paid
// publications counted per type, a closed job re-activated in place, no prolonging known;
// outcomes are not shared back (docs/boards.md, Work.ua).
import { defineBoard } from '../types.js'
import { createWorkuaAdapter } from './adapter.js'
import { WorkuaEnv } from './settings.js'

export const workua = defineBoard({
  id: 'workua',
  name: 'Work.ua',
  auth: 'login_password',
  syncIntervalMinutes: 60,
  env: WorkuaEnv,
  capabilities: { recruiters: false, publicationQuota: true, outcomes: [], resumeFiles: false, photoFiles: false, reopen: 'same_posting', extend: false },
  create: deps => createWorkuaAdapter(deps)
})
