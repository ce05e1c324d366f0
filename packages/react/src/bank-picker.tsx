import type { Institution, InstitutionHealth } from '@bankconnect/core'
import { memo, useCallback, useLayoutEffect, useRef, useState } from 'react'
import type {
  ComponentPropsWithRef,
  MouseEvent,
  PointerEvent,
  ReactNode,
  Ref,
  RefCallback,
  SyntheticEvent,
  UIEvent,
} from 'react'
import { useBankConnect } from './bank-connect-provider.tsx'
import { InstitutionLogo } from './institution-logo.tsx'
import type { Messages } from './messages.ts'
import { optionAttributes, useBankPicker } from './use-bank-picker.ts'
import type { BankPickerOptionState, UseBankPickerOptions } from './use-bank-picker.ts'
import { useInstitutions } from './use-institutions.ts'
import type { UseInstitutionsOptions } from './use-institutions.ts'
import { useVirtualRows } from './use-virtual-rows.ts'

/**
 * Where the picker stands, exposed as `data-state` on the root: the catalogue is `loading`,
 * failed (`error`), or `ready`.
 */
export type BankPickerState = 'loading' | 'error' | 'ready'

/** Props of {@link BankPicker}: a `<div>`'s own props (the root), plus: */
export interface BankPickerProps
  extends
    Omit<ComponentPropsWithRef<'div'>, 'defaultValue' | 'onChange' | 'children'>,
    Omit<UseBankPickerOptions, 'institutions' | 'id'>,
    UseInstitutionsOptions {
  /**
   * The institutions to offer instead of fetching them (already filtered as you wish). Default:
   * the catalogue from {@link useInstitutions}, filtered by the `country`, `stage`,
   * `authorization` and `hideTestBanks` props.
   */
  institutions?: readonly Institution[]
  /** The search input's label. Default: the `picker.label` message ("Find your bank"). */
  label?: ReactNode
  /** The search input's placeholder. Default: the `picker.placeholder` message. */
  placeholder?: string
  /** Props (className, handlers, ref, …) for the search input; handlers run before the picker's. */
  inputProps?: ComponentPropsWithRef<'input'>
  /** Props for the listbox element. */
  listboxProps?: ComponentPropsWithRef<'div'>
  /**
   * Virtualize the list above this many results. Default `12`: a short list keeps its own option
   * heights; a longer one holds about a screenful of options in the DOM, whatever its length.
   */
  virtualizeAbove?: number
  /**
   * The height of every option in pixels when the list is virtualized: each option is given
   * exactly this height (border box), so set it to what your styles need. Default `56`.
   */
  optionHeight?: number
  /**
   * Options rendered beyond each edge of the visible ones when virtualized. Default `2`: enough
   * for a wheel step; every one more is rendered again on every keystroke that changes the list.
   */
  overscan?: number
  /** Replaces the content of each option (the option element and its behaviour stay). */
  renderOption?: (state: BankPickerOptionState) => ReactNode
}

const DEFAULT_VIRTUALIZE_ABOVE = 12
const DEFAULT_OPTION_HEIGHT = 56
const DEFAULT_OVERSCAN = 2
const ANNOUNCE_DELAY_MS = 400
const SKELETON_ROWS = 5

/**
 * A searchable bank list: a labelled combobox input over a listbox of institutions, ranked as you
 * type (aliases such as "CBA", one typo forgiven), popular banks first, with each bank's health
 * before the user commits (a bank in a major outage is shown, explained, and cannot be chosen),
 * beta connectors marked, and the number of results announced politely. Long lists (above
 * `virtualizeAbove`) are virtualized so that at most a screenful of options is in the DOM.
 *
 * Unstyled: every part has `data-slot` (`bank-picker` on the root, `label`, `input`, `announcer`,
 * `skeleton`, `error`, `retry`, `empty`, `listbox`, `sizer`, `option`, `logo`, `name`, `stage`,
 * `status`), the root has `data-state` ({@link BankPickerState}) and each option `data-state`
 * (`disabled` / `selected` / `highlighted` / `idle`), `data-health` (`ok` / `warning` / `down`)
 * and `data-stage`.
 *
 * No inline styles (a strict CSP may forbid `style` attributes). A virtualized list still has to
 * position its options, so it does so through the CSSOM, which CSP allows: in a layout effect it
 * sets `--bc-picker-option-size` (`optionHeight`) on the listbox, `--bc-picker-option-start` on
 * each option, and the total `height` on the `sizer` (an empty element after the options that
 * gives the listbox its scroll height), plus the few layout properties that read them
 * (`position`, `top`, `transform`, `height`, `contain: size layout style` on each option, and a
 * scrollable `max-height: var(--bc-picker-max-height, 20rem)` on the relatively positioned
 * listbox; set that custom property to resize it). Absolute positioning, rather than spacers
 * above and below the rendered options, lets the highlighted option stay rendered even when it is
 * outside the scrolled range, so `aria-activedescendant` always points at an element. The listbox
 * itself scrolls: it is the combobox's popup, which assistive technology reaches through the
 * input rather than by focus.
 */
export function BankPicker(props: BankPickerProps): ReactNode {
  const {
    institutions: givenInstitutions,
    country,
    stage,
    authorization,
    hideTestBanks,
    enabled,
    ...pickerProps
  } = props
  const fetched = useInstitutions({
    country,
    stage,
    authorization,
    hideTestBanks,
    enabled: givenInstitutions === undefined && enabled !== false,
  })
  const state: BankPickerState =
    givenInstitutions !== undefined || fetched.status === 'success'
      ? 'ready'
      : fetched.status === 'error'
        ? 'error'
        : 'loading'
  // The catalogue is read here and the search state lives in the view below: a keystroke
  // re-renders the view alone, not the catalogue query.
  return (
    <PickerView
      {...pickerProps}
      institutions={givenInstitutions ?? fetched.institutions}
      state={state}
      retrying={fetched.isFetching}
      retry={fetched.retry}
    />
  )
}

interface PickerViewProps extends Omit<
  BankPickerProps,
  'institutions' | 'country' | 'stage' | 'authorization' | 'hideTestBanks' | 'enabled'
> {
  institutions: readonly Institution[]
  state: BankPickerState
  /** Whether the catalogue is being fetched again (the retry button waits meanwhile). */
  retrying: boolean
  retry(): void
}

/** The picker itself, over a catalogue {@link BankPicker} has read. */
function PickerView(props: PickerViewProps): ReactNode {
  const {
    institutions,
    state,
    retrying,
    retry,
    value,
    defaultValue,
    onValueChange,
    query,
    defaultQuery,
    onQueryChange,
    pageSize,
    aliases,
    label,
    placeholder,
    inputProps,
    listboxProps,
    virtualizeAbove = DEFAULT_VIRTUALIZE_ABOVE,
    optionHeight = DEFAULT_OPTION_HEIGHT,
    overscan = DEFAULT_OVERSCAN,
    renderOption,
    ...rootProps
  } = props
  const { messages } = useBankConnect()

  const picker = useBankPicker({
    institutions,
    value,
    defaultValue,
    onValueChange,
    query,
    defaultQuery,
    onQueryChange,
    pageSize,
    aliases,
    id: rootProps.id,
  })
  const { results, highlightedIndex, highlightSource } = picker

  if (!(optionHeight > 0 && Number.isFinite(optionHeight))) {
    throw new RangeError(
      `BankPicker: optionHeight must be a number of pixels > 0, got ${String(optionHeight)}`,
    )
  }
  if (!Number.isInteger(overscan) || overscan < 0) {
    throw new RangeError(`BankPicker: overscan must be an integer ≥ 0, got ${String(overscan)}`)
  }
  const virtual = results.length > virtualizeAbove
  const listboxRef = useRef<HTMLDivElement>(null)
  const sizerRef = useRef<HTMLDivElement>(null)
  const { start, end, totalHeight, offsetOf, scrollToIndex } = useVirtualRows({
    count: virtual ? results.length : 0,
    rowHeight: optionHeight,
    overscan,
    scrollRef: listboxRef,
  })
  // The highlighted option is always rendered, so aria-activedescendant never points at nothing
  // (e.g. while the list is scrolled away from it by the pointer).
  const rendered: number[] = []
  if (virtual) {
    if (highlightedIndex >= 0 && highlightedIndex < start) rendered.push(highlightedIndex)
    for (let index = start; index < end; index++) rendered.push(index)
    if (highlightedIndex >= end) rendered.push(highlightedIndex)
  }

  useLayoutEffect(() => {
    const listbox = listboxRef.current
    if (!listbox) return
    setStyles(listbox, virtual ? LISTBOX_STYLES : undefined)
    if (virtual) listbox.style.setProperty('--bc-picker-option-size', `${optionHeight}px`)
  }, [virtual, optionHeight])
  // Apart from the rest, as it changes with nearly every keystroke. A plain height, not a custom
  // property: an inherited custom property that changed that often would restyle every option.
  useLayoutEffect(() => {
    // A sizer is there only while the list is virtual (again, when it just became so).
    if (virtual) sizerRef.current?.style.setProperty('height', `${totalHeight}px`)
  }, [virtual, totalHeight])
  const consumerListboxRef = listboxProps?.ref
  const listboxRefs = useCallback(
    (node: HTMLDivElement | null) => mergeRefs(listboxRef, consumerListboxRef)(node),
    [consumerListboxRef],
  )

  // A new result list starts at its top, where the best match is. The virtual rows know their
  // offset already; asking the DOM would force a layout on every keystroke.
  const scrolled = useRef(false)
  const shownResults = useRef(results)
  useLayoutEffect(() => {
    if (shownResults.current === results) return
    shownResults.current = results
    if (virtual) {
      scrollToIndex(0)
    } else if (scrolled.current) {
      scrolled.current = false
      listboxRef.current?.scrollTo?.({ top: 0 })
    }
  }, [results, virtual, scrollToIndex])

  // Keyboard moves scroll the highlighted option into view; the pointer does not move the list
  // under the user.
  useLayoutEffect(() => {
    if (highlightedIndex < 0 || highlightSource !== 'keyboard') return
    if (virtual) {
      scrollToIndex(highlightedIndex)
      return
    }
    const option = listboxRef.current?.querySelector<HTMLElement>(
      `[data-index="${highlightedIndex}"]`,
    )
    option?.scrollIntoView?.({ block: 'nearest' })
  }, [highlightedIndex, highlightSource, virtual, scrollToIndex])

  const announcement = useDelayedCount(
    state === 'ready' ? results : undefined,
    messages,
    ANNOUNCE_DELAY_MS,
  )
  const showEmpty = state === 'ready' && results.length === 0

  const renderRow = (index: number): ReactNode => {
    const option = picker.getOptionState(index)
    return (
      <PickerOption
        // Keyed by position: on a keystroke the rows stay and only their content changes, instead
        // of every row being torn down and rebuilt.
        key={index}
        id={picker.getOptionId(index)}
        position={index}
        setSize={results.length}
        start={virtual ? offsetOf(index) : undefined}
        institution={option.institution}
        health={option.health}
        selected={option.selected}
        highlighted={option.highlighted}
        messages={messages}
        renderOption={renderOption}
      />
    )
  }

  // The pointer is handled once, on the listbox, rather than on every option: options then take
  // no handlers, so a keystroke re-renders only the options whose content or state changed. Ours
  // run before the consumer's listbox handlers, as an option's own handlers would (bubbling).
  const optionIndexOf = (event: SyntheticEvent<HTMLDivElement>): number | undefined => {
    const option = (event.target as Partial<Element> | null)?.closest?.('[role="option"]')
    if (!option || !event.currentTarget.contains(option)) return undefined
    const index = Number(option.getAttribute('data-index'))
    return Number.isInteger(index) && index >= 0 && index < results.length ? index : undefined
  }
  const onOptionMouseDown = (event: MouseEvent<HTMLDivElement>): void => {
    // Keeps focus (and the caret) in the input when an option is pressed.
    if (optionIndexOf(event) !== undefined) event.preventDefault()
    listboxProps?.onMouseDown?.(event)
  }
  const onOptionClick = (event: MouseEvent<HTMLDivElement>): void => {
    const index = optionIndexOf(event)
    const institution = index === undefined ? undefined : results[index]
    if (index !== undefined && institution !== undefined) {
      picker.setHighlightedIndex(index, 'pointer')
      picker.select(institution)
    }
    listboxProps?.onClick?.(event)
  }
  const onOptionPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const index = optionIndexOf(event)
    if (index !== undefined && index !== highlightedIndex) {
      picker.setHighlightedIndex(index, 'pointer')
    }
    listboxProps?.onPointerMove?.(event)
  }

  return (
    <div {...rootProps} data-slot="bank-picker" data-state={state}>
      <label {...picker.getLabelProps()}>{label ?? messages['picker.label']}</label>
      <input
        {...picker.getInputProps({
          placeholder: placeholder ?? messages['picker.placeholder'],
          ...inputProps,
        })}
      />
      <div role="status" data-slot="announcer">
        {announcement}
      </div>
      {state === 'loading' ? (
        <div data-slot="skeleton" aria-busy="true">
          <p data-slot="skeleton-text">{messages['picker.loading']}</p>
          {Array.from({ length: SKELETON_ROWS }, (_, index) => (
            <div key={index} data-slot="skeleton-row" aria-hidden="true" />
          ))}
        </div>
      ) : null}
      {state === 'error' ? (
        <div data-slot="error" role="alert">
          <p data-slot="error-message">{messages['picker.error']}</p>
          <button type="button" data-slot="retry" disabled={retrying} onClick={retry}>
            {messages['picker.retry']}
          </button>
        </div>
      ) : null}
      {showEmpty ? (
        <div data-slot="empty">
          <p data-slot="empty-message">
            {messages['picker.empty']({ query: picker.query.trim() })}
          </p>
          <p data-slot="empty-hint">{messages['picker.emptyHint']}</p>
        </div>
      ) : null}
      {results.length > 0 ? (
        <div
          {...picker.getListboxProps(listboxProps)}
          ref={listboxRefs}
          onMouseDown={onOptionMouseDown}
          onClick={onOptionClick}
          onPointerMove={onOptionPointerMove}
          onScroll={(event: UIEvent<HTMLDivElement>) => {
            listboxProps?.onScroll?.(event)
            // Read during the scroll, when layout is current anyway.
            scrolled.current = event.currentTarget.scrollTop > 0
          }}
          data-virtual={virtual ? '' : undefined}
        >
          {/* The options are the listbox's children whether or not the list is virtual, so a
              keystroke that crosses `virtualizeAbove` restyles them rather than rebuilding them. */}
          {virtual ? rendered.map(renderRow) : results.map((_, index) => renderRow(index))}
          {virtual ? <div data-slot="sizer" aria-hidden="true" ref={sizerRef} /> : null}
        </div>
      ) : null}
    </div>
  )
}

interface PickerOptionProps {
  id: string
  position: number
  setSize: number
  /** The option's offset when virtualized; `undefined` when the list is not. */
  start: number | undefined
  institution: Institution
  health: InstitutionHealth
  selected: boolean
  highlighted: boolean
  messages: Messages
  renderOption: BankPickerProps['renderOption']
}

/**
 * One option element; when virtualized it positions itself from `start` through the CSSOM. Its
 * props are plain values (the health is remembered per institution), so an option whose
 * institution and state did not change is not rendered again.
 */
const PickerOption = memo(function PickerOption(props: PickerOptionProps): ReactNode {
  const { id, position, setSize, start, institution, health, selected, highlighted } = props
  const { messages, renderOption } = props
  const disabled = !health.selectable
  const nodeRef = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const node = nodeRef.current
    if (!node) return
    if (start === undefined) {
      setStyles(node, undefined)
      return
    }
    setStyles(node, OPTION_STYLES)
    node.style.setProperty('--bc-picker-option-start', `${start}px`)
  }, [start])
  return (
    <div
      {...optionAttributes(id, position, setSize, { health, selected, highlighted, disabled })}
      data-stage={institution.stage}
      ref={nodeRef}
    >
      {renderOption ? (
        renderOption({ institution, health, selected, highlighted, disabled })
      ) : (
        <OptionContent institution={institution} health={health} messages={messages} />
      )}
    </div>
  )
})

/**
 * The default content of an option. The option is named by its visible text (name, stage,
 * health), so what a screen reader says is what a sighted user reads, warning included, before
 * they choose. It depends on the institution alone: moving the highlight or changing the result
 * count leaves it as it is.
 */
const OptionContent = memo(function OptionContent(props: {
  institution: Institution
  health: InstitutionHealth
  messages: Messages
}): ReactNode {
  const { institution, health, messages } = props
  const stageLabel = stageText(messages, institution.stage)
  return (
    <>
      <InstitutionLogo institution={institution} />{' '}
      <span data-slot="name">{institution.shortName || institution.name}</span>
      {stageLabel ? (
        <>
          {' '}
          <span data-slot="stage" data-stage={institution.stage}>
            {stageLabel}
          </span>
        </>
      ) : null}
      {health.level !== 'ok' ? (
        <>
          {' '}
          <span data-slot="status" data-health={health.level}>
            {messages[health.messageKey]}
          </span>
        </>
      ) : null}
    </>
  )
})

const LISTBOX_STYLES: Record<string, string> = {
  'overflow-y': 'auto',
  'max-height': 'var(--bc-picker-max-height, 20rem)',
  position: 'relative',
}
const OPTION_STYLES: Record<string, string> = {
  position: 'absolute',
  top: '0',
  left: '0',
  right: '0',
  transform: 'translateY(var(--bc-picker-option-start))',
  // Every row is exactly as tall as the virtual rows assume, whatever a theme's min-height says.
  'box-sizing': 'border-box',
  height: 'var(--bc-picker-option-size)',
  'min-height': '0',
  // Its size is fixed from outside, so a keystroke that changes one option's content lays out
  // that option alone. No paint containment: nothing a theme draws around an option is clipped.
  contain: 'size layout style',
}
const ALL_LAYOUT_PROPERTIES = [
  ...new Set([...Object.keys(LISTBOX_STYLES), ...Object.keys(OPTION_STYLES)]),
]

/** Sets layout properties through the CSSOM (allowed under CSP), or removes them all. */
function setStyles(element: HTMLElement, styles: Record<string, string> | undefined): void {
  if (styles === undefined) {
    for (const property of ALL_LAYOUT_PROPERTIES) element.style.removeProperty(property)
    element.style.removeProperty('--bc-picker-option-size')
    element.style.removeProperty('--bc-picker-option-start')
    // Leaves no empty style attribute behind once the list is short again.
    if (element.style.length === 0) element.removeAttribute('style')
    return
  }
  for (const [property, value] of Object.entries(styles)) {
    if (element.style.getPropertyValue(property) !== value) {
      element.style.setProperty(property, value)
    }
  }
}

function stageText(messages: Messages, stage: string): string | undefined {
  if (stage === 'beta') return messages['picker.beta']
  if (stage === 'alpha') return messages['picker.alpha']
  return undefined
}

/**
 * The `picker.results` message for the number of `results` (nothing for `undefined`), once the
 * results (a new list on every keystroke) have stayed the same for `delayMs`: a screen reader
 * hears it once the user pauses, not after every keystroke. The message is only put into words
 * then.
 *
 * One timer at a time: a keystroke only notes when it came, and a timer that fires too early
 * waits for the rest of the pause. Starting and clearing a timer on every keystroke is a
 * measurable part of a keystroke's work.
 */
function useDelayedCount(
  results: readonly unknown[] | undefined,
  messages: Messages,
  delayMs: number,
): string {
  const [shown, setShown] = useState('')
  const latest = useRef({ results, messages, delayMs, changedAt: 0 })
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  // Layout effects: a commit with a passive effect makes React schedule a task to flush it (a
  // `postMessage`), which every keystroke would pay for.
  useLayoutEffect(() => {
    latest.current = { results, messages, delayMs, changedAt: Date.now() }
    if (timer.current !== undefined) return
    const wait = (ms: number): void => {
      timer.current = setTimeout(() => {
        const now = latest.current
        const left = now.changedAt + now.delayMs - Date.now()
        if (left > 0) {
          wait(left)
          return
        }
        timer.current = undefined
        const count = now.results?.length
        setShown(
          count === undefined
            ? ''
            : now.messages['picker.results']({ count, locale: now.messages.locale }),
        )
      }, ms)
    }
    wait(delayMs)
  }, [results, messages, delayMs])
  useLayoutEffect(
    () => () => {
      clearTimeout(timer.current)
      timer.current = undefined
    },
    [],
  )
  return shown
}

/** One ref callback that feeds several refs (a consumer's ref is never replaced by ours). */
function mergeRefs<T>(...refs: Array<Ref<T> | undefined>): RefCallback<T> {
  return (node) => {
    const cleanups: Array<() => void> = []
    for (const ref of refs) {
      if (typeof ref === 'function') {
        const cleanup = ref(node)
        if (typeof cleanup === 'function') cleanups.push(cleanup)
        else cleanups.push(() => ref(null))
      } else if (ref) {
        ref.current = node
        cleanups.push(() => {
          ref.current = null
        })
      }
    }
    return () => {
      for (const cleanup of cleanups) cleanup()
    }
  }
}
