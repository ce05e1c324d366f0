import { createInstitutionIndex, institutionHealth } from '@bankconnect/core'
import type { Institution, InstitutionHealth, InstitutionIndexOptions } from '@bankconnect/core'
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import type {
  ChangeEvent,
  ComponentPropsWithRef,
  KeyboardEvent,
  MouseEvent,
  PointerEvent,
  SyntheticEvent,
} from 'react'
import { useLatest } from './use-latest.ts'

/** Options of {@link useBankPicker}. */
export interface UseBankPickerOptions {
  /** The institutions to choose from (e.g. `useInstitutions().institutions`). */
  institutions: readonly Institution[]
  /** The chosen institution's id (controlled). Pair with `onValueChange`. */
  value?: string | null
  /** The institution chosen at first (uncontrolled). Default: none. */
  defaultValue?: string | null
  /** Called when the user chooses an institution (never for an unselectable one). */
  onValueChange?: (value: string, institution: Institution) => void
  /** The search text (controlled). Pair with `onQueryChange`. */
  query?: string
  /** The search text at first (uncontrolled). Default `''`. */
  defaultQuery?: string
  /** Called with the new search text on every edit (and with `''` when Escape clears it). */
  onQueryChange?: (query: string) => void
  /** How many options PageUp / PageDown move by. Default `10`. */
  pageSize?: number
  /** Extra names people use for banks. Default: the core alias table. Pass a stable object. */
  aliases?: InstitutionIndexOptions['aliases']
  /** Base of the element ids. Default: a `useId()` id. */
  id?: string
}

/** What moved the highlight last, so a view scrolls for the keyboard but not under the pointer. */
export type HighlightSource = 'keyboard' | 'pointer' | 'search'

/** The state of one option, for styling and for `data-state`. */
export interface BankPickerOptionState {
  /** The option's institution. */
  institution: Institution
  /** The institution's health (from `status`). */
  health: InstitutionHealth
  /** Whether it is the chosen institution. */
  selected: boolean
  /** Whether it is the option the keyboard (or pointer) is on. */
  highlighted: boolean
  /** Whether it cannot be chosen (a major outage). */
  disabled: boolean
}

/** What {@link useBankPicker} returns. */
export interface UseBankPickerResult {
  /** The search text. */
  query: string
  /** Replaces the search text (highlights the best match, or nothing for an empty query). */
  setQuery(query: string): void
  /** The institutions matching `query`, best first (popular banks first for an empty query). */
  results: readonly Institution[]
  /** Index in `results` of the highlighted option; `-1` for none. */
  highlightedIndex: number
  /** What moved the highlight last; `undefined` before anything did. */
  highlightSource: HighlightSource | undefined
  /** Highlights an option (clamped to the results); `-1` clears the highlight. */
  setHighlightedIndex(index: number, source?: HighlightSource): void
  /** The chosen institution, when it is among `institutions`. */
  selectedInstitution: Institution | undefined
  /** Chooses an institution; returns `false` (and does nothing) for an unselectable one. */
  select(institution: Institution): boolean
  /** Clears the search text and the highlight. */
  clear(): void
  /** The state of the option at `index` of `results`. */
  getOptionState(index: number): BankPickerOptionState
  /** The element id of the option at `index`. */
  getOptionId(index: number): string
  /** Props for the `<label>` of the search input. */
  getLabelProps<P extends object = NoExtraProps>(props?: P): MergedProps<P, BankPickerLabelProps>
  /** Props for the search `<input>` (the combobox); your handlers run first. */
  getInputProps<P extends ComponentPropsWithRef<'input'> = NoExtraProps>(
    props?: P,
  ): MergedProps<P, BankPickerInputProps>
  /** Props for the element holding the options (the listbox), e.g. a `<div>` or `<ul>`. */
  getListboxProps<P extends object = NoExtraProps>(
    props?: P,
  ): MergedProps<P, BankPickerListboxProps>
  /**
   * Props for the option at `index` of `results`, e.g. a `<div>` or `<li>`; your `onClick`,
   * `onMouseDown` and `onPointerMove` run first.
   * @throws {RangeError} for an index outside `results`.
   */
  getOptionProps<P extends object = NoExtraProps>(
    index: number,
    props?: P,
  ): MergedProps<P, BankPickerOptionProps>
}

/** No extra props. */
export type NoExtraProps = Record<never, never>

/** Your props with the picker's on top (its handlers chain yours). */
export type MergedProps<P, Own> = Omit<P, keyof Own> & Own

/** The attributes {@link UseBankPickerResult.getLabelProps} sets. */
export interface BankPickerLabelProps {
  id: string
  htmlFor: string
  'data-slot': 'label'
}

/** The attributes {@link UseBankPickerResult.getInputProps} sets. */
export interface BankPickerInputProps {
  id: string
  type: 'text'
  role: 'combobox'
  value: string
  'aria-autocomplete': 'list'
  'aria-expanded': boolean
  'aria-controls': string | undefined
  'aria-activedescendant': string | undefined
  autoComplete: 'off'
  autoCorrect: 'off'
  autoCapitalize: 'none'
  spellCheck: false
  'data-slot': 'input'
  onChange(event: ChangeEvent<HTMLInputElement>): void
  onKeyDown(event: KeyboardEvent<HTMLInputElement>): void
}

/** The attributes {@link UseBankPickerResult.getListboxProps} sets. */
export interface BankPickerListboxProps {
  id: string
  role: 'listbox'
  'aria-labelledby': string
  'data-slot': 'listbox'
}

/**
 * `data-state` of an option: the first of `disabled`, `selected`, `highlighted` that applies, else
 * `idle`. The boolean `data-disabled`, `data-selected` and `data-highlighted` attributes carry
 * combinations (a highlighted selected option).
 */
export type BankPickerOptionDataState = 'disabled' | 'selected' | 'highlighted' | 'idle'

/** The attributes {@link UseBankPickerResult.getOptionProps} sets. */
export interface BankPickerOptionProps {
  id: string
  role: 'option'
  'aria-selected': boolean
  'aria-disabled': true | undefined
  'aria-posinset': number
  'aria-setsize': number
  'data-slot': 'option'
  'data-state': BankPickerOptionDataState
  'data-health': InstitutionHealth['level']
  'data-selected': '' | undefined
  'data-highlighted': '' | undefined
  'data-disabled': '' | undefined
  'data-index': number
  onClick(event: MouseEvent<HTMLElement>): void
  onMouseDown(event: MouseEvent<HTMLElement>): void
  onPointerMove(event: PointerEvent<HTMLElement>): void
}

/** The handlers of an option element the picker chains, whatever the element. */
interface OptionHandlers {
  onClick?: (event: MouseEvent<HTMLElement>) => void
  onMouseDown?: (event: MouseEvent<HTMLElement>) => void
  onPointerMove?: (event: PointerEvent<HTMLElement>) => void
}

const DEFAULT_PAGE_SIZE = 10

/**
 * The behaviour of the bank picker without its markup: search with ranking, the keyboard model
 * of the WAI-ARIA combobox pattern (focus stays in the input, `aria-activedescendant` follows the
 * highlighted option), bank health, and controlled or uncontrolled choice. Spread the prop getters
 * on your own elements; `BankPicker` is the ready-made markup.
 *
 * Keys (in the input): ArrowDown / ArrowUp move by one and stop at the ends (no wrapping: in a
 * list of thousands of banks, jumping from the last to the first loses the user's place);
 * ArrowUp with nothing highlighted goes to the last option. PageDown / PageUp move by `pageSize`.
 * Home / End go to the first / last option (with Shift they keep selecting text). Enter chooses
 * the highlighted option (a bank in a major outage is highlighted, so its explanation is read out,
 * but not chosen). Escape clears the search. Typing highlights the best match, so Enter after
 * typing "cba" chooses CommBank.
 */
export function useBankPicker(options: UseBankPickerOptions): UseBankPickerResult {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.institutions)) {
    throw new TypeError(
      'useBankPicker: expected options { institutions: Institution[] } (e.g. from useInstitutions())',
    )
  }
  const { institutions, aliases } = options
  const pageSize = readPageSize(options.pageSize)
  const generatedId = useId()
  const baseId = options.id ?? `bc-picker${generatedId}`
  const labelId = `${baseId}-label`
  const inputId = `${baseId}-input`
  const listboxId = `${baseId}-listbox`

  const [query, setQueryState] = useControllable(
    'useBankPicker',
    'query',
    options.query,
    options.defaultQuery ?? '',
  )
  const [value, setValueState] = useControllable(
    'useBankPicker',
    'value',
    options.value,
    options.defaultValue ?? null,
  )
  const latest = useLatest(options)

  const index = useMemo(
    () => createInstitutionIndex(institutions, aliases === undefined ? {} : { aliases }),
    [institutions, aliases],
  )
  const results = useMemo(() => index.search(query), [index, query])
  // Health is asked for on every render of every shown option: worked out once per institution
  // (the cache is keyed by the institution objects, so a new catalogue needs no new cache).
  const [healthOf] = useState(cachedHealth)
  const byId = useMemo(() => {
    const map = new Map<string, Institution>()
    for (const institution of index.institutions) map.set(institution.id, institution)
    return map
  }, [index])
  const selectedInstitution = value == null ? undefined : byId.get(value)

  // The highlight belongs to one result list: a new list (new query, new catalogue) starts from
  // its default without an effect and without a render showing a stale index.
  const [highlight, setHighlight] = useState<{
    results: readonly Institution[]
    index: number
    source: HighlightSource | undefined
  }>({ results, index: -1, source: undefined })
  let highlightedIndex: number
  let highlightSource: HighlightSource | undefined
  if (highlight.results === results) {
    highlightedIndex = Math.min(highlight.index, results.length - 1)
    highlightSource = highlight.source
  } else {
    highlightedIndex = query.trim() === '' ? -1 : firstSelectable(results, healthOf)
    highlightSource = highlightedIndex >= 0 ? 'search' : undefined
  }

  const optionId = useCallback(
    (position: number) => {
      const institution = results[position]
      const suffix = institution ? institution.id.replace(/[^A-Za-z0-9_-]/g, '_') : 'none'
      return `${baseId}-option-${position}-${suffix}`
    },
    [results, baseId],
  )

  const setQuery = useCallback(
    (next: string) => {
      const text = typeof next === 'string' ? next : ''
      setQueryState(text)
      latest.current.onQueryChange?.(text)
    },
    [setQueryState, latest],
  )

  const setHighlightedIndex = useCallback(
    (next: number, source: HighlightSource = 'keyboard') => {
      const clamped = results.length === 0 ? -1 : Math.max(-1, Math.min(next, results.length - 1))
      setHighlight({ results, index: clamped, source })
    },
    [results],
  )

  const select = useCallback(
    (institution: Institution): boolean => {
      if (!institution || !healthOf(institution).selectable) return false
      setValueState(institution.id)
      latest.current.onValueChange?.(institution.id, institution)
      return true
    },
    [setValueState, latest, healthOf],
  )

  const clear = useCallback(() => {
    setQuery('')
    setHighlight({ results, index: -1, source: undefined })
  }, [setQuery, results])

  const getOptionState = useCallback(
    (position: number): BankPickerOptionState => {
      const institution = results[position]
      if (institution === undefined) {
        throw new RangeError(
          `useBankPicker: no option at index ${position} (there are ${results.length})`,
        )
      }
      const health = healthOf(institution)
      return {
        institution,
        health,
        selected: institution.id === value,
        highlighted: position === highlightedIndex,
        disabled: !health.selectable,
      }
    },
    [results, value, highlightedIndex, healthOf],
  )

  const handleKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.nativeEvent.isComposing || event.altKey) return
    const last = results.length - 1
    const current = highlightedIndex
    let next: number | undefined
    switch (event.key) {
      case 'ArrowDown':
        next = current < 0 ? 0 : Math.min(current + 1, last)
        break
      case 'ArrowUp':
        next = current < 0 ? last : Math.max(current - 1, 0)
        break
      case 'PageDown':
        next = Math.min((current < 0 ? -1 : current) + pageSize, last)
        break
      case 'PageUp':
        next = Math.max(current - pageSize, 0)
        break
      case 'Home':
        if (!event.shiftKey) next = 0
        break
      case 'End':
        if (!event.shiftKey) next = last
        break
      case 'Enter': {
        const institution = current >= 0 ? results[current] : undefined
        if (institution !== undefined) {
          // Enter on an option never submits a surrounding form, chosen or not.
          event.preventDefault()
          select(institution)
        }
        return
      }
      case 'Escape':
        if (query !== '' || current >= 0) {
          event.preventDefault()
          clear()
        }
        return
      default:
        return
    }
    if (next === undefined || last < 0) return
    event.preventDefault()
    setHighlightedIndex(next, 'keyboard')
  }

  // The spreads below are typed by hand: TypeScript cannot see that `{ ...props, ...own }` is
  // `Omit<P, keyof Own> & Own` for a generic `P`.
  const getLabelProps = <P extends object = NoExtraProps>(
    props?: P,
  ): MergedProps<P, BankPickerLabelProps> =>
    ({ ...props, id: labelId, htmlFor: inputId, 'data-slot': 'label' }) as MergedProps<
      P,
      BankPickerLabelProps
    >

  const getInputProps = <P extends ComponentPropsWithRef<'input'> = NoExtraProps>(
    props?: P,
  ): MergedProps<P, BankPickerInputProps> => {
    const expanded = results.length > 0
    return {
      ...props,
      id: inputId,
      type: 'text',
      role: 'combobox',
      value: query,
      'aria-autocomplete': 'list',
      'aria-expanded': expanded,
      'aria-controls': expanded ? listboxId : undefined,
      'aria-activedescendant': highlightedIndex >= 0 ? optionId(highlightedIndex) : undefined,
      autoComplete: 'off',
      autoCorrect: 'off',
      autoCapitalize: 'none',
      spellCheck: false,
      'data-slot': 'input',
      onChange: chain(props?.onChange, (event: ChangeEvent<HTMLInputElement>) =>
        setQuery(event.currentTarget.value),
      ),
      onKeyDown: chain(props?.onKeyDown, handleKeyDown),
    } as MergedProps<P, BankPickerInputProps>
  }

  const getListboxProps = <P extends object = NoExtraProps>(
    props?: P,
  ): MergedProps<P, BankPickerListboxProps> =>
    ({
      ...props,
      id: listboxId,
      role: 'listbox',
      'aria-labelledby': labelId,
      'data-slot': 'listbox',
    }) as MergedProps<P, BankPickerListboxProps>

  const getOptionProps = <P extends object = NoExtraProps>(
    position: number,
    props?: P,
  ): MergedProps<P, BankPickerOptionProps> => {
    const theirs = (props ?? {}) as OptionHandlers
    const state = getOptionState(position)
    return {
      ...props,
      ...optionAttributes(optionId(position), position, results.length, state),
      // Keeps focus (and the caret) in the input when an option is pressed.
      onMouseDown: chain(theirs.onMouseDown, (event: MouseEvent<HTMLElement>) =>
        event.preventDefault(),
      ),
      onClick: chain(theirs.onClick, () => {
        setHighlightedIndex(position, 'pointer')
        select(state.institution)
      }),
      onPointerMove: chain(theirs.onPointerMove, () => {
        if (position !== highlightedIndex) setHighlightedIndex(position, 'pointer')
      }),
    } as MergedProps<P, BankPickerOptionProps>
  }

  return {
    query,
    setQuery,
    results,
    highlightedIndex,
    highlightSource,
    setHighlightedIndex,
    selectedInstitution,
    select,
    clear,
    getOptionState,
    getOptionId: optionId,
    getLabelProps,
    getInputProps,
    getListboxProps,
    getOptionProps,
  }
}

/**
 * Runs the caller's handler, then ours unless the caller called `preventDefault()`: a consumer can
 * always cancel the picker's behaviour for one event.
 */
function chain<E extends SyntheticEvent>(
  theirs: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    theirs?.(event)
    if (!event.defaultPrevented) ours(event)
  }
}

/** The attributes of an option without its handlers. */
export type BankPickerOptionAttributes = Omit<
  BankPickerOptionProps,
  'onClick' | 'onMouseDown' | 'onPointerMove'
>

/**
 * The attributes {@link UseBankPickerResult.getOptionProps} sets, without the handlers: for markup
 * that handles the pointer once on the listbox rather than on every option.
 *
 * @param id the option's element id (`getOptionId(position)`).
 * @param position the option's index in the results.
 * @param setSize how many results there are in all.
 * @param state the option's state (`getOptionState(position)`).
 */
export function optionAttributes(
  id: string,
  position: number,
  setSize: number,
  state: Pick<BankPickerOptionState, 'health' | 'selected' | 'highlighted' | 'disabled'>,
): BankPickerOptionAttributes {
  const dataState: BankPickerOptionDataState = state.disabled
    ? 'disabled'
    : state.selected
      ? 'selected'
      : state.highlighted
        ? 'highlighted'
        : 'idle'
  return {
    id,
    role: 'option',
    'aria-selected': state.selected,
    'aria-disabled': state.disabled ? true : undefined,
    // The list may be virtualized: the position and size tell assistive technology where this
    // option sits among all of them, not just among the rendered ones.
    'aria-posinset': position + 1,
    'aria-setsize': setSize,
    'data-slot': 'option',
    'data-state': dataState,
    'data-health': state.health.level,
    'data-selected': state.selected ? '' : undefined,
    'data-highlighted': state.highlighted ? '' : undefined,
    'data-disabled': state.disabled ? '' : undefined,
    'data-index': position,
  }
}

/**
 * `institutionHealth`, remembered per institution object: a new catalogue brings new objects, so
 * it is read afresh, and the old ones are let go with their catalogue.
 */
function cachedHealth(): (institution: Institution) => InstitutionHealth {
  const cache = new WeakMap<Institution, InstitutionHealth>()
  return (institution) => {
    // Not an object: let institutionHealth explain what it needs.
    if (typeof institution !== 'object' || institution === null) {
      return institutionHealth(institution)
    }
    let health = cache.get(institution)
    if (health === undefined) {
      health = institutionHealth(institution)
      cache.set(institution, health)
    }
    return health
  }
}

function firstSelectable(
  results: readonly Institution[],
  healthOf: (institution: Institution) => InstitutionHealth,
): number {
  for (let index = 0; index < results.length; index++) {
    if (healthOf(results[index] as Institution).selectable) return index
  }
  return results.length > 0 ? 0 : -1
}

function readPageSize(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`useBankPicker: pageSize must be an integer ≥ 1, got ${String(value)}`)
  }
  return value
}

/**
 * A value that is controlled when `prop` is given and internal otherwise. Warns in development
 * when a component switches between the two, which would silently drop the user's input.
 */
function useControllable<Value>(
  caller: string,
  name: string,
  prop: Value | undefined,
  defaultValue: Value,
): [Value, (next: Value) => void] {
  const [internal, setInternal] = useState(defaultValue)
  const controlled = prop !== undefined
  const wasControlled = useRef(controlled)
  useEffect(() => {
    if (wasControlled.current !== controlled && isDevelopment()) {
      const [from, to] = controlled
        ? ['uncontrolled', 'controlled']
        : ['controlled', 'uncontrolled']
      console.warn(
        `${caller}: \`${name}\` is changing from ${from} to ${to}. Decide between passing \`${name}\` ` +
          `(controlled, with its change handler) or \`default${name[0]?.toUpperCase()}${name.slice(1)}\` ` +
          'for the lifetime of the component.',
      )
    }
    wasControlled.current = controlled
  }, [caller, name, controlled])
  const controlledRef = useLatest(controlled)
  const set = useCallback(
    (next: Value) => {
      if (!controlledRef.current) setInternal(next)
    },
    [controlledRef],
  )
  return [controlled ? prop : internal, set]
}

function isDevelopment(): boolean {
  try {
    // Bundlers replace this expression, so production builds drop the warning.
    return process.env.NODE_ENV !== 'production'
  } catch {
    // Unbundled in a browser: no `process`, so warn.
    return true
  }
}
