import type { Institution } from '@bankconnect/core'
import { institutions as sandboxCatalogue } from '@bankconnect/sandbox'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createRef, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { closeHarnesses, createHarness, renderWithProvider } from '../test/sandbox-harness.tsx'
import type { Harness } from '../test/sandbox-harness.tsx'
import { BankPicker } from './bank-picker.tsx'
import type { BankPickerProps } from './bank-picker.tsx'
import { useBankPicker } from './use-bank-picker.ts'

beforeEach(() => {
  // jsdom has no layout: give the scrolling listbox the 320 px a browser gives it (its default
  // max-height), so the virtualizer knows how many options fit, as it would on a page.
  const height = vi.spyOn(Element.prototype, 'clientHeight', 'get').mockImplementation(function (
    this: Element,
  ) {
    return this.getAttribute('data-slot') === 'listbox' ? 320 : 0
  })
  return () => height.mockRestore()
})

afterEach(() => {
  closeHarnesses()
})

function renderPicker(props: Partial<BankPickerProps> = {}, harness = createHarness()) {
  const onValueChange = vi.fn<(value: string, institution: Institution) => void>()
  const result = renderWithProvider(
    harness,
    <BankPicker onValueChange={onValueChange} {...props} />,
  )
  return { harness, onValueChange, ...result }
}

/** Waits for the catalogue and returns the search input. */
async function loaded(timeout = 1000): Promise<HTMLElement> {
  await screen.findAllByRole('option', {}, { timeout })
  return screen.getByRole('combobox', { name: 'Find your bank' })
}

function options(): HTMLElement[] {
  return screen.queryAllByRole('option')
}

/** The option the input's aria-activedescendant points at. */
function highlighted(): HTMLElement | null {
  const id = screen.getByRole('combobox').getAttribute('aria-activedescendant')
  return id ? document.getElementById(id) : null
}

/** 1-based position of the highlighted option among all results (rendered or not). */
function position(): number {
  return Number(highlighted()?.getAttribute('aria-posinset') ?? 0)
}

/** How many results there are in all (most are not rendered when the list is virtualized). */
function resultCount(): number {
  return Number(options()[0]?.getAttribute('aria-setsize') ?? 0)
}

function optionName(option: HTMLElement | null): string {
  return option?.querySelector('[data-slot="name"]')?.textContent ?? ''
}

function institutionRequests(harness: Harness) {
  return harness.requests.filter((request) => request.path === '/institutions')
}

describe('BankPicker: loading, empty and error states', () => {
  it('shows a skeleton while loading, then popular banks first', async () => {
    const { container } = renderPicker()
    expect(screen.getByText('Loading banks…')).toBeInTheDocument()
    expect(container.querySelector('[data-slot="bank-picker"]')).toHaveAttribute(
      'data-state',
      'loading',
    )
    const input = await loaded()
    expect(screen.queryByText('Loading banks…')).not.toBeInTheDocument()
    expect(container.querySelector('[data-slot="bank-picker"]')).toHaveAttribute(
      'data-state',
      'ready',
    )
    expect(input).toHaveAttribute('aria-expanded', 'true')
    // Tier 1 first (by name within the tier): the big four lead the list.
    const first = options().slice(0, 10).map(optionName)
    expect(first).toEqual(expect.arrayContaining(['CommBank', 'NAB', 'ANZ', 'Westpac', 'BNZ']))
    expect(
      options()
        .slice(0, 10)
        .every((option) => option.id.includes('00')),
    ).toBe(true)
  })

  it('fetches the catalogue once for every picker in the session', async () => {
    const harness = createHarness()
    const { rerender } = renderWithProvider(
      harness,
      <>
        <BankPicker id="one" />
        <BankPicker id="two" country="New Zealand" />
      </>,
    )
    await waitFor(() => expect(screen.getAllByRole('combobox')).toHaveLength(2))
    await waitFor(() => expect(screen.getAllByRole('listbox')).toHaveLength(2))
    rerender(<BankPicker id="three" hideTestBanks />)
    await screen.findAllByRole('option')
    expect(institutionRequests(harness)).toHaveLength(1)
  })

  it('says no bank matches, with a hint, and Escape brings the list back', async () => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    await user.type(input, 'zzqx')
    expect(await screen.findByText('No bank matches “zzqx”')).toBeInTheDocument()
    expect(screen.getByText(/Check the spelling/)).toBeInTheDocument()
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument()
    expect(input).toHaveAttribute('aria-expanded', 'false')
    await user.keyboard('{Escape}')
    expect(input).toHaveValue('')
    expect(options().length).toBeGreaterThan(0)
  })

  it('shows an error with a retry that loads the list', async () => {
    const user = userEvent.setup()
    const harness = createHarness()
    // The first try and the hook's one quick retry both fail.
    harness.sandbox.faults.add({ kind: 'status', status: 503, path: '/institutions', times: 2 })
    renderPicker({}, harness)
    const alert = await screen.findByRole('alert', {}, { timeout: 3000 })
    expect(alert).toHaveTextContent('We couldn’t load the list of banks.')
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await loaded()
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(institutionRequests(harness)).toHaveLength(3)
  })

  it('announces the number of results politely once typing pauses', async () => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    await user.type(input, 'bank of')
    const status = screen.getByRole('status')
    await waitFor(() => expect(status).toHaveTextContent(`${resultCount()} banks found`))
    await user.clear(input)
    await user.type(input, 'hooligov')
    await waitFor(() => expect(status).toHaveTextContent('1 bank found'))
  })

  it('waits for a 400 ms pause in typing before it announces, however long the typing lasts', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      renderPicker({ institutions: sandboxCatalogue as unknown as Institution[] })
      const input = screen.getByRole('combobox')
      const status = screen.getByRole('status')
      act(() => vi.advanceTimersByTime(400))
      const first = `${resultCount()} banks found`
      expect(status).toHaveTextContent(first)
      // A keystroke every 300 ms for 3 s: never a pause long enough, so nothing new is said.
      const typed = 'bank of me'
      for (let length = 1; length <= typed.length; length++) {
        fireEvent.change(input, { target: { value: typed.slice(0, length) } })
        act(() => vi.advanceTimersByTime(300))
        expect(status.textContent).toBe(first)
      }
      const count = resultCount()
      expect(`${count} banks found`).not.toBe(first)
      act(() => vi.advanceTimersByTime(99))
      expect(status.textContent).toBe(first)
      act(() => vi.advanceTimersByTime(1))
      expect(status).toHaveTextContent(count === 1 ? '1 bank found' : `${count} banks found`)
      // No match is announced too, after the same pause.
      fireEvent.change(input, { target: { value: 'zzzz' } })
      act(() => vi.advanceTimersByTime(399))
      expect(status).not.toHaveTextContent('No banks found')
      act(() => vi.advanceTimersByTime(1))
      expect(status).toHaveTextContent('No banks found')
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('BankPicker: keyboard', () => {
  it('is usable with the keyboard alone, focus staying in the input', async () => {
    const user = userEvent.setup()
    const { onValueChange } = renderPicker()
    await loaded()
    await user.tab()
    const input = screen.getByRole('combobox')
    expect(input).toHaveFocus()
    await user.keyboard('cba')
    expect(optionName(highlighted())).toBe('CommBank')
    await user.keyboard('{Enter}')
    expect(onValueChange).toHaveBeenCalledTimes(1)
    expect(onValueChange).toHaveBeenCalledWith(
      'AU00101',
      expect.objectContaining({ name: 'Commonwealth Bank of Australia' }),
    )
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('CommBank')
    expect(input).toHaveFocus()
  })

  it('moves with arrows (stopping at the ends), Home/End and PageUp/PageDown', async () => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    input.focus()
    const last = resultCount()
    expect(last).toBeGreaterThan(60)

    expect(input).not.toHaveAttribute('aria-activedescendant')
    await user.keyboard('{ArrowDown}')
    expect(position()).toBe(1)
    await user.keyboard('{ArrowUp}')
    expect(position()).toBe(1)
    await user.keyboard('{ArrowDown}{ArrowDown}')
    expect(position()).toBe(3)
    await user.keyboard('{PageDown}')
    expect(position()).toBe(13)
    await user.keyboard('{PageUp}{PageUp}')
    expect(position()).toBe(1)
    await user.keyboard('{End}')
    expect(position()).toBe(last)
    await user.keyboard('{ArrowDown}')
    expect(position()).toBe(last)
    await user.keyboard('{PageDown}')
    expect(position()).toBe(last)
    await user.keyboard('{Home}')
    expect(position()).toBe(1)
    expect(highlighted()).toHaveAttribute('data-highlighted', '')
    expect(highlighted()).toHaveAttribute('data-state', 'highlighted')
    expect(input).toHaveFocus()
  })

  it('ArrowUp with nothing highlighted goes to the last option; Escape clears text and highlight', async () => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    input.focus()
    await user.keyboard('{ArrowUp}')
    expect(position()).toBe(resultCount())
    await user.keyboard('nab')
    expect(optionName(highlighted())).toBe('NAB')
    await user.keyboard('{Escape}')
    expect(input).toHaveValue('')
    expect(input).not.toHaveAttribute('aria-activedescendant')
  })

  it('Enter with an option highlighted does not submit a surrounding form', async () => {
    const user = userEvent.setup()
    const onSubmit = vi.fn<(event: { preventDefault(): void }) => void>((event) =>
      event.preventDefault(),
    )
    renderWithProvider(
      createHarness(),
      <form onSubmit={onSubmit}>
        <BankPicker />
      </form>,
    )
    const input = await loaded()
    input.focus()
    await user.keyboard('hooli{Enter}')
    expect(onSubmit).not.toHaveBeenCalled()
  })
})

describe('BankPicker: search ranking in the list', () => {
  it.each([
    ['cba', 'CommBank'],
    ['commbank', 'CommBank'],
    ['st george', 'St.George'],
    ['stgeorge', 'St.George'],
    ['westpak', 'Westpac'],
    ['bank of melb', 'Bank of Melbourne'],
    ['nab', 'NAB'],
  ])('%j puts %j first and highlights it', async (query, expected) => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    await user.type(input, query)
    await waitFor(() => expect(optionName(options()[0] ?? null)).toBe(expected))
    expect(highlighted()).toBe(options()[0])
  })

  it('"bank of" lists the banks named "Bank of …" first', async () => {
    const user = userEvent.setup()
    renderPicker()
    const input = await loaded()
    await user.type(input, 'bank of')
    await waitFor(() =>
      expect(options().slice(0, 4).map(optionName)).toEqual([
        'BNZ',
        'Bank of Melbourne',
        'BOQ',
        'Bank of Sydney',
      ]),
    )
  })
})

describe('BankPicker: health and stage', () => {
  it('shows a bank in a major outage, explains why, and does not let it be chosen', async () => {
    const user = userEvent.setup()
    const { onValueChange } = renderPicker()
    const input = await loaded()
    await user.type(input, 'northern inland')
    const option = await screen.findByRole('option', { name: /^NICU / })
    expect(option).toHaveAttribute('aria-disabled', 'true')
    expect(option).toHaveAttribute('data-health', 'down')
    expect(option).toHaveAttribute('data-state', 'disabled')
    expect(option).toHaveAccessibleName(/down.*try again later or choose another bank/i)
    await user.keyboard('{ArrowDown}{Enter}')
    await user.click(option)
    expect(onValueChange).not.toHaveBeenCalled()
    expect(option).toHaveAttribute('aria-selected', 'false')
  })

  it('lets degraded, partially down and maintained banks be chosen, with a warning', async () => {
    const user = userEvent.setup()
    const { onValueChange } = renderPicker()
    const input = await loaded()
    for (const [query, name] of [
      ['hume', 'Hume Bank'],
      ['auswide', 'Auswide'],
      ['police bank', 'Police Bank'],
    ] as const) {
      await user.clear(input)
      await user.type(input, query)
      const option = await screen.findByRole('option', { name: new RegExp(`^${name} `) })
      expect(option).toHaveAttribute('data-health', 'warning')
      expect(option).not.toHaveAttribute('aria-disabled')
      expect(option.querySelector('[data-slot="status"]')).toHaveTextContent(/\w/)
      await user.click(option)
      expect(onValueChange).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({ shortName: name }),
      )
    }
    expect(onValueChange).toHaveBeenCalledTimes(3)
  })

  it('marks beta banks and hides alpha ones unless asked', async () => {
    const user = userEvent.setup()
    const first = renderPicker()
    const input = await loaded()
    await user.type(input, 'judo')
    expect(await screen.findByRole('option', { name: 'Judo Beta' })).toHaveAttribute(
      'data-stage',
      'beta',
    )
    await user.clear(input)
    await user.type(input, 'alex bank')
    expect(await screen.findByText('No bank matches “alex bank”')).toBeInTheDocument()
    first.unmount()

    renderPicker({ stage: ['live', 'beta', 'alpha'] })
    const again = await loaded()
    await user.type(again, 'alex bank')
    expect(await screen.findByRole('option', { name: 'Alex Early access' })).toBeInTheDocument()
  })

  it('shows initials when a logo fails, and the row stays', async () => {
    renderPicker()
    await loaded()
    const option = screen.getByRole('option', { name: 'CommBank' })
    const logo = option.querySelector('img[data-slot="logo"]') as HTMLImageElement
    expect(logo).toHaveAttribute('loading', 'lazy')
    expect(logo).toHaveAttribute('alt', '')
    fireEvent.error(logo)
    const fallback = option.querySelector('[data-slot="logo"]')
    expect(fallback?.tagName).toBe('SPAN')
    expect(fallback).toHaveAttribute('data-state', 'fallback')
    expect(fallback).toHaveTextContent('C')
    expect(screen.getByRole('option', { name: 'CommBank' })).toBe(option)
  })
})

describe('BankPicker: 5,000 institutions', () => {
  it('keeps at most 60 options in the DOM and reaches the last one by keyboard', async () => {
    const user = userEvent.setup()
    const harness = createHarness({ stressInstitutions: 5_000 })
    renderPicker({}, harness)
    const input = await loaded(10_000)
    const total = resultCount()
    expect(total).toBeGreaterThan(4_000)
    expect(options().length).toBeLessThanOrEqual(60)

    input.focus()
    await user.keyboard('{End}')
    const last = highlighted()
    expect(last).not.toBeNull()
    expect(last).toHaveAttribute('aria-posinset', String(total))
    expect(options().length).toBeLessThanOrEqual(60)
    // 56 px options in a 320 px listbox: the last one sits at the bottom of the view.
    const listbox = screen.getByRole('listbox')
    expect(listbox.scrollTop).toBe(total * 56 - 320)
    expect(last?.style.getPropertyValue('--bc-picker-option-start')).toBe(`${(total - 1) * 56}px`)

    await user.keyboard('{ArrowUp}{PageUp}')
    expect(highlighted()).toHaveAttribute('aria-posinset', String(total - 11))
    await user.keyboard('{Home}{ArrowDown}')
    expect(highlighted()).toHaveAttribute('aria-posinset', '2')
    expect(listbox.scrollTop).toBe(0)

    await user.type(input, 'riverina')
    await waitFor(() => expect(optionName(options()[0] ?? null)).toMatch(/^Riverina/))
    expect(options().length).toBeLessThanOrEqual(60)
  }, 30_000)
})

describe('BankPicker: controlled and uncontrolled use', () => {
  it('controlled: shows the value it is given and reports choices', async () => {
    const user = userEvent.setup()
    const changes: string[] = []
    function Controlled() {
      const [value, setValue] = useState<string | null>('AU00301')
      return (
        <>
          <BankPicker
            value={value}
            onValueChange={(next) => {
              changes.push(next)
              setValue(next)
            }}
          />
          <button type="button" onClick={() => setValue(null)}>
            reset
          </button>
        </>
      )
    }
    renderWithProvider(createHarness(), <Controlled />)
    await loaded()
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('NAB')
    await user.click(screen.getAllByRole('option', { name: 'Westpac' })[0] as HTMLElement)
    expect(changes).toEqual(['AU00201'])
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('Westpac')
    await user.click(screen.getByRole('button', { name: 'reset' }))
    expect(screen.queryByRole('option', { selected: true })).not.toBeInTheDocument()
  })

  it('controlled: a parent that ignores the change keeps its value', async () => {
    const user = userEvent.setup()
    const { onValueChange } = renderPicker({ value: 'AU00301' })
    await loaded()
    await user.click(screen.getAllByRole('option', { name: 'Westpac' })[0] as HTMLElement)
    expect(onValueChange).toHaveBeenCalledWith('AU00201', expect.anything())
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('NAB')
  })

  it('uncontrolled: starts from defaultValue and keeps the choice itself', async () => {
    const user = userEvent.setup()
    renderPicker({ defaultValue: 'AU00401', defaultQuery: 'anz' })
    await loaded()
    expect(screen.getByRole('combobox')).toHaveValue('anz')
    const selected = screen.getByRole('option', { selected: true })
    expect(selected).toHaveAttribute('id', expect.stringContaining('AU00401'))
    const other = screen
      .getAllByRole('option', { name: 'ANZ' })
      .find((option) => option !== selected) as HTMLElement
    await user.click(other)
    expect(other).toHaveAttribute('aria-selected', 'true')
    expect(selected).toHaveAttribute('aria-selected', 'false')
  })

  it('controlled query: reports edits and shows what the parent passes', async () => {
    const user = userEvent.setup()
    const edits: string[] = []
    function Controlled() {
      const [query, setQuery] = useState('')
      return (
        <BankPicker
          query={query}
          onQueryChange={(next) => {
            edits.push(next)
            setQuery(next.toUpperCase())
          }}
        />
      )
    }
    renderWithProvider(createHarness(), <Controlled />)
    const input = await loaded()
    await user.type(input, 'ing')
    expect(edits).toEqual(['i', 'In', 'INg'])
    expect(input).toHaveValue('ING')
    expect(optionName(options()[0] ?? null)).toBe('ING')
  })
})

describe('BankPicker: passing props through', () => {
  it('merges className, handlers and refs instead of replacing them', async () => {
    const user = userEvent.setup()
    const rootRef = createRef<HTMLDivElement>()
    const inputRef = createRef<HTMLInputElement>()
    const listboxRef = createRef<HTMLDivElement>()
    const onKeyDown = vi.fn<() => void>()
    const onFocus = vi.fn<() => void>()
    renderPicker({
      ref: rootRef,
      className: 'my-picker',
      'aria-label': 'Bank search',
      inputProps: { ref: inputRef, className: 'my-input', onKeyDown, onFocus },
      listboxProps: { ref: listboxRef, className: 'my-list' },
    })
    const input = await loaded()
    expect(rootRef.current).toHaveClass('my-picker')
    expect(rootRef.current).toHaveAttribute('data-slot', 'bank-picker')
    expect(inputRef.current).toBe(input)
    expect(input).toHaveClass('my-input')
    expect(listboxRef.current).toBe(screen.getByRole('listbox'))
    expect(listboxRef.current).toHaveClass('my-list')
    await user.click(input)
    expect(onFocus).toHaveBeenCalled()
    await user.keyboard('{ArrowDown}')
    expect(onKeyDown).toHaveBeenCalled()
    expect(highlighted()).toBe(options()[0])
  })

  it('the pointer highlights and chooses an option, focus staying in the input; listbox handlers still run', async () => {
    const user = userEvent.setup()
    const onClick = vi.fn<() => void>()
    const onMouseDown = vi.fn<() => void>()
    const { onValueChange } = renderPicker({ listboxProps: { onClick, onMouseDown } })
    const input = await loaded()
    await user.click(input)
    const option = screen.getAllByRole('option', { name: 'Westpac' })[0] as HTMLElement
    await user.hover(option)
    expect(highlighted()).toBe(option)
    await user.click(option)
    expect(input).toHaveFocus()
    expect(onValueChange).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ shortName: 'Westpac' }),
    )
    expect(screen.getByRole('option', { selected: true })).toBe(option)
    expect(onClick).toHaveBeenCalledTimes(1)
    expect(onMouseDown).toHaveBeenCalledTimes(1)
    // Pressing the listbox outside any option chooses nothing.
    await user.click(screen.getByRole('listbox'))
    expect(onValueChange).toHaveBeenCalledTimes(1)
  })

  it('a consumer handler that calls preventDefault cancels the picker’s behaviour', async () => {
    const user = userEvent.setup()
    renderPicker({
      inputProps: {
        onKeyDown: (event) => {
          if (event.key === 'ArrowDown') event.preventDefault()
        },
      },
    })
    const input = await loaded()
    input.focus()
    await user.keyboard('{ArrowDown}')
    expect(input).not.toHaveAttribute('aria-activedescendant')
    await user.keyboard('{End}')
    expect(position()).toBe(resultCount())
  })

  it('has a data-slot on every part, and a short list carries no styles at all', async () => {
    const user = userEvent.setup()
    const { container } = renderPicker()
    await user.type(await loaded(), 'bank')
    await user.clear(screen.getByRole('combobox'))
    await user.type(screen.getByRole('combobox'), 'hume')
    await screen.findByRole('option', { name: /^Hume Bank / })
    const slots = new Set(
      [...container.querySelectorAll('[data-slot]')].map((node) => node.getAttribute('data-slot')),
    )
    for (const slot of ['bank-picker', 'label', 'input', 'announcer', 'listbox', 'option']) {
      expect(slots).toContain(slot)
    }
    expect(slots).toContain('logo')
    expect(slots).toContain('status')
    expect(container.querySelectorAll('[style]')).toHaveLength(0)
  })
})

describe('BankPicker: bad props', () => {
  it.each([
    [{ optionHeight: 0 }, /optionHeight must be a number of pixels > 0, got 0/],
    [{ overscan: -1 }, /overscan must be an integer ≥ 0, got -1/],
  ])('explains %j', (props, message) => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => renderPicker(props)).toThrow(message)
    spy.mockRestore()
  })
})

describe('useBankPicker on its own', () => {
  const catalogue = sandboxCatalogue as unknown as Institution[]

  function Custom(props: { onChoose: (id: string) => void }) {
    const picker = useBankPicker({ institutions: catalogue, onValueChange: props.onChoose })
    return (
      <div>
        <label {...picker.getLabelProps()}>Bank</label>
        <input {...picker.getInputProps()} />
        <ul {...picker.getListboxProps()}>
          {picker.results.slice(0, 20).map((institution, index) => (
            <li key={institution.id} {...picker.getOptionProps(index)}>
              {institution.name}
            </li>
          ))}
        </ul>
      </div>
    )
  }

  it('drives your own markup with prop getters, without a provider', async () => {
    const user = userEvent.setup()
    const onChoose = vi.fn<(id: string) => void>()
    render(<Custom onChoose={onChoose} />)
    const input = screen.getByRole('combobox', { name: 'Bank' })
    await user.type(input, 'boq{Enter}')
    expect(onChoose).toHaveBeenCalledWith('AU00504', expect.objectContaining({ shortName: 'BOQ' }))
    expect(screen.getByRole('option', { selected: true })).toHaveTextContent('Bank of Queensland')
  })

  it('explains what it needs when called without institutions', () => {
    function Broken() {
      useBankPicker({} as unknown as Parameters<typeof useBankPicker>[0])
      return null
    }
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<Broken />)).toThrow(/expected options \{ institutions/)
    spy.mockRestore()
  })

  it('warns in development when switching from uncontrolled to controlled', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    function Switching(props: { value?: string }) {
      const picker = useBankPicker({ institutions: catalogue, value: props.value })
      return <input {...picker.getInputProps({ 'aria-label': 'bank' })} />
    }
    const { rerender } = render(<Switching />)
    await act(async () => rerender(<Switching value="AU00000" />))
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/`value` is changing from uncontrolled/),
    )
    warn.mockRestore()
  })
})
