import type {
  InstitutionAuthorization,
  InstitutionServiceType,
  InstitutionStage,
  InstitutionTier,
  InstitutionType,
  OpenUnion,
} from './schemas.ts'

/** Operators of Basiq's `filter` grammar. `ne` is only supported on institutions. */
export type FilterOperator = 'eq' | 'ne' | 'in'

/**
 * A condition on a field that supports `eq`, `ne` and `in`: a single value means `eq`, an array
 * means `in`, an object names the operators (several are combined with AND).
 */
export type ListCondition<Value extends string> =
  Value | readonly Value[] | { eq?: Value; ne?: Value; in?: readonly Value[] }

/** A condition on a field that supports only `eq` and `ne`: a single value means `eq`. */
export type EqualityCondition<Value extends string> = Value | { eq?: Value; ne?: Value }

/**
 * Structured form of the institutions `filter` parameter; every field given must match (AND).
 *
 * @example
 * // filter=institution.country.eq('Australia'),institution.tier.in('1','2'),institution.stage.ne('alpha')
 * { country: 'Australia', tier: ['1', '2'], stage: { ne: 'alpha' } }
 */
export interface InstitutionFilter {
  /** `'Australia'` / `'New Zealand'`; eq, ne, in. */
  country?: ListCondition<OpenUnion<'Australia' | 'New Zealand'>>
  /** Tier as a string (`'1'` … `'4'`); eq, ne, in. */
  tier?: ListCondition<InstitutionTier>
  /** Authorization kind; eq, ne, in. */
  authorization?: ListCondition<InstitutionAuthorization>
  /** Service type; eq, ne. */
  serviceType?: EqualityCondition<InstitutionServiceType>
  /** Institution type; eq, ne. */
  institutionType?: EqualityCondition<InstitutionType>
  /** Connector stage; eq, ne. */
  stage?: EqualityCondition<InstitutionStage>
}

// Which operators Basiq documents for each institution field, in the order clauses are emitted.
const institutionFields: Record<keyof InstitutionFilter, readonly FilterOperator[]> = {
  country: ['eq', 'ne', 'in'],
  tier: ['eq', 'ne', 'in'],
  authorization: ['eq', 'ne', 'in'],
  serviceType: ['eq', 'ne'],
  institutionType: ['eq', 'ne'],
  stage: ['eq', 'ne'],
}

/**
 * Formats one clause of Basiq's filter grammar, e.g.
 * `formatFilterClause('institution.tier', 'in', ['1', '2'])` → `institution.tier.in('1','2')`.
 * Throws a `TypeError` for an empty `in` list or a value containing a quote (the grammar has no
 * escape for it).
 */
export function formatFilterClause(
  field: string,
  operator: FilterOperator,
  values: string | readonly string[],
): string {
  const list = typeof values === 'string' ? [values] : values
  if (operator === 'in' && list.length === 0) {
    throw new TypeError(`Filter ${field}.in needs at least one value`)
  }
  if (operator !== 'in' && list.length !== 1) {
    throw new TypeError(`Filter ${field}.${operator} takes exactly one value`)
  }
  for (const value of list) {
    if (typeof value !== 'string') {
      throw new TypeError(`Filter ${field}.${operator}: values must be strings`)
    }
    if (value.includes("'")) {
      throw new TypeError(`Filter ${field}.${operator}: values cannot contain a single quote (')`)
    }
  }
  return `${field}.${operator}(${list.map((value) => `'${value}'`).join(',')})`
}

/**
 * Turns a structured {@link InstitutionFilter} into Basiq's filter string (clauses joined by
 * commas, i.e. AND). Returns `''` for an empty filter. Throws a `TypeError` naming the field for an
 * unknown field, an operator Basiq does not support on it, or an invalid value.
 */
export function buildInstitutionFilter(filter: InstitutionFilter): string {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new TypeError('Institution filter must be an object or a filter string')
  }
  for (const key of Object.keys(filter)) {
    if (!Object.hasOwn(institutionFields, key)) {
      throw new TypeError(
        `Unknown institution filter field "${key}"; supported: ${Object.keys(institutionFields).join(', ')}`,
      )
    }
  }
  const clauses: string[] = []
  for (const [key, operators] of Object.entries(institutionFields)) {
    const condition: unknown = filter[key as keyof InstitutionFilter]
    if (condition === undefined) continue
    const field = `institution.${key}`
    for (const [operator, values] of normalise(field, condition)) {
      if (!operators.includes(operator)) {
        throw new TypeError(
          `Filter ${field} does not support "${operator}" (supported: ${operators.join(', ')})`,
        )
      }
      clauses.push(formatFilterClause(field, operator, values))
    }
  }
  return clauses.join(',')
}

function normalise(field: string, condition: unknown): [FilterOperator, readonly string[]][] {
  if (typeof condition === 'string') return [['eq', [condition]]]
  if (Array.isArray(condition)) return [['in', condition]]
  if (typeof condition === 'object' && condition !== null) {
    const pairs: [FilterOperator, readonly string[]][] = []
    for (const [operator, value] of Object.entries(condition)) {
      if (value === undefined) continue
      if (operator === 'in') {
        if (!Array.isArray(value)) throw new TypeError(`Filter ${field}.in expects an array`)
        pairs.push(['in', value])
      } else if (operator === 'eq' || operator === 'ne') {
        pairs.push([operator, [value]])
      } else {
        throw new TypeError(`Filter ${field}: unknown operator "${operator}" (use eq, ne or in)`)
      }
    }
    return pairs
  }
  throw new TypeError(`Filter ${field}: expected a string, an array or { eq, ne, in }`)
}
