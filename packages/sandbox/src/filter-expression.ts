import { notValid } from './sandbox-error.ts'

/** Operators of Basiq's `filter=` grammar that the sandbox understands. */
export type FilterOperator = 'eq' | 'ne' | 'in' | 'gt' | 'gteq' | 'lt' | 'lteq' | 'bt'

/** One parsed statement, e.g. `institution.tier.in('1','2')` → `{field: 'institution.tier', op: 'in', values: ['1','2']}`. */
export interface FilterClause {
  field: string
  op: FilterOperator
  values: string[]
}

/** Per field: the operators allowed and, optionally, the values allowed. */
export type FilterSpec = Record<
  string,
  { ops: readonly FilterOperator[]; values?: readonly string[] }
>

const operators: readonly FilterOperator[] = ['eq', 'ne', 'in', 'gt', 'gteq', 'lt', 'lteq', 'bt']
const maxFilterLength = 4096

function invalid(filter: string, why: string) {
  const shown = filter.length > 200 ? `${filter.slice(0, 200)}…` : filter
  return notValid(`Filter "${shown}" is not valid: ${why}`, { parameter: 'filter' })
}

/** Splits on commas that are outside quotes and parentheses. */
function splitTopLevel(text: string, filter: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | null = null
  let current = ''
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i)
    if (quote) {
      if (ch === '\\' && i + 1 < text.length) {
        current += ch + text.charAt(i + 1)
        i += 1
        continue
      }
      if (ch === quote) quote = null
      current += ch
      continue
    }
    if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth += 1
    else if (ch === ')') {
      depth -= 1
      if (depth < 0) throw invalid(filter, 'unbalanced parentheses')
    } else if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
      continue
    }
    current += ch
  }
  if (quote) throw invalid(filter, 'unterminated quote')
  if (depth !== 0) throw invalid(filter, 'unbalanced parentheses')
  parts.push(current)
  return parts
}

function parseValues(args: string, filter: string): string[] {
  const values: string[] = []
  let i = 0
  const skipSpaces = () => {
    while (i < args.length && /\s/.test(args.charAt(i))) i += 1
  }
  skipSpaces()
  if (i >= args.length) throw invalid(filter, 'an operator needs at least one quoted value')
  while (i < args.length) {
    skipSpaces()
    const quote = args.charAt(i)
    if (quote !== "'" && quote !== '"') throw invalid(filter, 'values must be quoted')
    i += 1
    let value = ''
    let closed = false
    while (i < args.length) {
      const ch = args.charAt(i)
      if (ch === '\\' && i + 1 < args.length) {
        value += args.charAt(i + 1)
        i += 2
        continue
      }
      if (ch === quote) {
        closed = true
        i += 1
        break
      }
      value += ch
      i += 1
    }
    if (!closed) throw invalid(filter, 'unterminated quote')
    values.push(value)
    skipSpaces()
    if (i >= args.length) break
    if (args.charAt(i) !== ',') throw invalid(filter, 'values must be separated by commas')
    i += 1
    skipSpaces()
    if (i >= args.length) throw invalid(filter, 'trailing comma')
  }
  return values
}

/**
 * Parses Basiq's filter grammar: comma-separated statements `entity.property.op('v'[, 'v'…])`,
 * all of which must hold (AND). Anything the `spec` does not allow is a 400 `parameter-not-valid`.
 */
export function parseFilter(filter: string, spec: FilterSpec): FilterClause[] {
  if (filter.length > maxFilterLength) throw invalid(filter, 'it is too long')
  if (filter.trim() === '') return []
  const clauses: FilterClause[] = []
  for (const rawStatement of splitTopLevel(filter, filter)) {
    const statement = rawStatement.trim()
    const match = /^([A-Za-z][\w.]*)\.([a-z]+)\(([\s\S]*)\)$/.exec(statement)
    if (!match)
      throw invalid(
        filter,
        `"${statement.slice(0, 80)}" is not of the form entity.property.operator('value')`,
      )
    const field = match[1] as string
    const op = match[2] as FilterOperator
    const rule = spec[field]
    if (!rule) {
      const known = Object.keys(spec).join(', ')
      throw invalid(filter, `"${field}" cannot be filtered on here (supported: ${known})`)
    }
    if (!operators.includes(op) || !rule.ops.includes(op)) {
      throw invalid(
        filter,
        `operator "${op}" is not supported on ${field} (supported: ${rule.ops.join(', ')})`,
      )
    }
    const values = parseValues(match[3] as string, filter)
    if (
      (op === 'eq' ||
        op === 'ne' ||
        op === 'gt' ||
        op === 'gteq' ||
        op === 'lt' ||
        op === 'lteq') &&
      values.length !== 1
    ) {
      throw invalid(filter, `operator "${op}" takes exactly one value`)
    }
    if (op === 'bt' && values.length !== 2)
      throw invalid(filter, 'operator "bt" takes exactly two values')
    if (rule.values) {
      const allowed = rule.values
      const bad = values.find((v) => !allowed.includes(v))
      if (bad !== undefined) {
        throw invalid(
          filter,
          `"${bad}" is not a valid value for ${field} (valid: ${allowed.join(', ')})`,
        )
      }
    }
    clauses.push({ field, op, values })
  }
  return clauses
}

/** Whether one value satisfies a clause. Comparisons are on strings (ISO dates compare correctly). */
export function clauseMatches(clause: FilterClause, value: string | null | undefined): boolean {
  const [first = '', second = ''] = clause.values
  if (value === null || value === undefined) return clause.op === 'ne'
  switch (clause.op) {
    case 'eq':
      return value === first
    case 'ne':
      return value !== first
    case 'in':
      return clause.values.includes(value)
    case 'gt':
      return value > first
    case 'gteq':
      return value >= first
    case 'lt':
      return value < first
    case 'lteq':
      return value <= first
    case 'bt':
      return value >= first && value <= second
  }
}

/** Keeps the items for which every clause holds; `read` maps a field name to the item's value. */
export function applyFilter<T>(
  items: readonly T[],
  clauses: readonly FilterClause[],
  read: (item: T, field: string) => string | null | undefined,
): T[] {
  if (clauses.length === 0) return [...items]
  return items.filter((item) =>
    clauses.every((clause) => clauseMatches(clause, read(item, clause.field))),
  )
}
