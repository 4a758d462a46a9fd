// Every row of every table, every column cast to text (bytea as its escaped bytes, so text stored
// in a binary column still reads as text): for secret scans, and for "nothing changed" checks.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/db/index.js'

/** table → its rows, each row its columns as text joined by tabs, sorted */
export async function databaseContents (db: Db): Promise<Map<string, string[]>> {
  const { rows: columns } = await sql<{ table_name: string, column_name: string, data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db)
  const byTable = new Map<string, Array<{ column_name: string, data_type: string }>>()
  for (const column of columns) byTable.set(column.table_name, [...(byTable.get(column.table_name) ?? []), column])
  const contents = new Map<string, string[]>()
  for (const [table, cols] of byTable) {
    const asText = cols.map(c => c.data_type === 'bytea'
      ? sql`coalesce(encode(${sql.ref(c.column_name)}, 'escape'), '<null>')`
      : sql`coalesce(${sql.ref(c.column_name)}::text, '<null>')`)
    const { rows } = await sql<{ row: string }>`select concat_ws(E'\t', ${sql.join(asText)}) as row from ${sql.table(table)}`.execute(db)
    contents.set(table, rows.map(r => r.row).sort())
  }
  return contents
}

/** table → row count and a hash of its contents */
export async function databaseChecksums (db: Db): Promise<Record<string, string>> {
  const checksums: Record<string, string> = {}
  for (const [table, rows] of await databaseContents(db)) {
    checksums[table] = `${rows.length} rows, ${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`
  }
  return checksums
}
