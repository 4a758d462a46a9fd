// The boards' part of .env.example, written from each board's env schema: `npm run env-example`
// rewrites it, and a test fails when the committed file has drifted from the registry.
import type { TSchema } from 'typebox'
import { BOARDS } from './registry.js'

export const BOARD_SECTION_START = '# --- boards: written by `npm run env-example` from each board\'s settings.ts; do not edit ---'
export const BOARD_SECTION_END = '# --- end of boards ---'

function variableLines (name: string, schema: TSchema & { default?: unknown, description?: string }, required: boolean): string[] {
  const shown = schema.default === undefined ? '' : ` [${String(schema.default)}]`
  const lines = schema.description === undefined ? [] : [`# ${schema.description}${shown}`]
  if (schema.default !== undefined) lines.push(`${name}=${String(schema.default)}`)
  else lines.push(`${required ? '' : '# '}${name}=`)
  return lines
}

/** every board's variables, one block per board, between the section markers */
export function boardEnvSection (): string {
  const blocks = BOARDS
    .filter(board => Object.keys(board.env.properties).length > 0)
    .map(board => {
      const required = new Set<string>(board.env.required ?? [])
      const lines = Object.entries(board.env.properties)
        .flatMap(([name, schema]) => variableLines(name, schema as TSchema, required.has(name)))
      return [`# ${board.name}`, ...lines].join('\n')
    })
  return [BOARD_SECTION_START, ...blocks, BOARD_SECTION_END].join('\n\n')
}

/** the file with its board section replaced (or appended when it has none) */
export function withBoardSection (envExample: string): string {
  const start = envExample.indexOf(BOARD_SECTION_START)
  const end = envExample.indexOf(BOARD_SECTION_END)
  if (start === -1 || end === -1) return `${envExample.trimEnd()}\n\n${boardEnvSection()}\n`
  return `${envExample.slice(0, start)}${boardEnvSection()}${envExample.slice(end + BOARD_SECTION_END.length)}`
}
