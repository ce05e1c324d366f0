import { compareInstitutions, isBasiqError } from '@bankconnect/core'
import type {
  Institution,
  InstitutionAuthorization,
  InstitutionStage,
  OpenUnion,
} from '@bankconnect/core'
import { useQuery } from '@tanstack/react-query'
import { useCallback, useMemo } from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'

/** The one React Query key of the institution catalogue (the same for every user and option). */
export const institutionsQueryKey = ['bankconnect', 'institutions'] as const

/**
 * How long the catalogue counts as fresh: an hour, the lifetime of a Basiq token. Basiq recomputes
 * institution stats daily, so one request per session is enough; the status may change sooner,
 * which the job's own failure then explains.
 */
export const INSTITUTIONS_STALE_TIME_MS = 60 * 60_000

/**
 * Authorization kinds the {@link CredentialsForm} can connect: a login id and password, with an MFA
 * step always, sometimes or never. `token` banks need a user token the v2.1 connection body has no
 * field for, and `other` is not a credentials login at all.
 */
export const CREDENTIAL_AUTHORIZATIONS: readonly InstitutionAuthorization[] = [
  'user',
  'user-mfa',
  'user-mfa-intermittent',
]

/** Options of {@link useInstitutions}; all filter the one cached catalogue in the browser. */
export interface UseInstitutionsOptions {
  /** Only institutions of these countries, e.g. `'Australia'`. Default: every country. */
  country?: OpenUnion<'Australia' | 'New Zealand'> | readonly string[]
  /**
   * Only connectors at these stages. Default `['live', 'beta']`: alpha connectors are partial
   * and hidden unless asked for.
   */
  stage?: InstitutionStage | readonly InstitutionStage[]
  /**
   * Only these authorization kinds. Default {@link CREDENTIAL_AUTHORIZATIONS} (what the
   * credentials form can connect).
   */
  authorization?: InstitutionAuthorization | readonly InstitutionAuthorization[]
  /** Hide Basiq's test banks (Hooli, Pied Piper, …). Default `false` (the sandbox needs them). */
  hideTestBanks?: boolean
  /** Set `false` to hold the request (e.g. until the user reaches the picker). Default `true`. */
  enabled?: boolean
}

/** Where the catalogue request stands. */
export type InstitutionsStatus = 'pending' | 'error' | 'success'

/** What {@link useInstitutions} returns. */
export interface UseInstitutionsResult {
  /** The filtered institutions, tier 1 first, then by tier and name. `[]` until loaded. */
  institutions: Institution[]
  /** See {@link InstitutionsStatus}. */
  status: InstitutionsStatus
  /** Why the catalogue could not be loaded; `undefined` otherwise. */
  error: Error | undefined
  /** Whether a request is on its way (first load or retry). */
  isFetching: boolean
  /** Asks for the catalogue again (e.g. from an error state's "Try again"). Never rejects. */
  retry(): void
}

const DEFAULT_STAGES: readonly InstitutionStage[] = ['live', 'beta']

/**
 * The institution catalogue from `GET /institutions`, filtered and sorted for a picker. Every
 * component that calls it shares one cached request per session (one key, an hour's stale time,
 * no refetch on focus); options only filter that list, so changing them never refetches.
 */
export function useInstitutions(options: UseInstitutionsOptions = {}): UseInstitutionsResult {
  const { client, queryClient } = useBankConnect()
  const query = useQuery(
    {
      queryKey: institutionsQueryKey,
      queryFn: async ({ signal }) => (await client.listInstitutions({ signal })).data,
      staleTime: INSTITUTIONS_STALE_TIME_MS,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      // One quick second try covers a blip; after that the picker shows "Try again".
      retry: (failures, error) => failures < 1 && isTransient(error),
      retryDelay: 500,
      enabled: options.enabled ?? true,
    },
    queryClient,
  )

  const country = toList(options.country)
  const stage = toList(options.stage) ?? DEFAULT_STAGES
  const authorization = toList(options.authorization) ?? CREDENTIAL_AUTHORIZATIONS
  const hideTestBanks = options.hideTestBanks ?? false
  // Keys, not arrays: callers often pass inline arrays, which must not refilter every render.
  const countryKey = country?.join('\n')
  const stageKey = stage.join('\n')
  const authorizationKey = authorization.join('\n')

  const data = query.data
  const institutions = useMemo(() => {
    if (!Array.isArray(data)) return []
    const countries = countryKey === undefined ? undefined : new Set(countryKey.split('\n'))
    const stages = new Set(stageKey.split('\n'))
    const authorizations = new Set(authorizationKey.split('\n'))
    return data
      .filter(
        (institution) =>
          (countries === undefined || countries.has(institution.country)) &&
          stages.has(institution.stage) &&
          authorizations.has(institution.authorization) &&
          !(hideTestBanks && isTestBank(institution)),
      )
      .sort(compareInstitutions)
  }, [data, countryKey, stageKey, authorizationKey, hideTestBanks])

  const { refetch } = query
  const retry = useCallback(() => {
    void refetch().catch(() => {})
  }, [refetch])

  return useMemo(
    () => ({
      institutions,
      status: query.status,
      error: query.error ?? undefined,
      isFetching: query.isFetching,
      retry,
    }),
    [institutions, query.status, query.error, query.isFetching, retry],
  )
}

function toList<Value extends string>(
  value: Value | readonly Value[] | undefined,
): readonly Value[] | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) {
    throw new TypeError('useInstitutions: filters take a string or an array of strings')
  }
  return value
}

function isTestBank(institution: Institution): boolean {
  return institution.institutionType === 'Test Bank' || institution.serviceType === 'Test'
}

function isTransient(error: unknown): boolean {
  if (!isBasiqError(error)) return false
  if (error.kind === 'network') return true
  const status = (error as { status?: number }).status
  return error.kind === 'api' && typeof status === 'number' && (status === 429 || status >= 500)
}
