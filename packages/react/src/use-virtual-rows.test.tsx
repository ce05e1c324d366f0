import { act, fireEvent, render, screen } from '@testing-library/react'
import { useRef } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useVirtualRows } from './use-virtual-rows.ts'
import type { UseVirtualRowsOptions, VirtualRows } from './use-virtual-rows.ts'

const ROW = 20

// jsdom has no layout: the scrolling list reports the height a browser would give it.
let viewportHeight = 100
beforeEach(() => {
  viewportHeight = 100
  const height = vi.spyOn(Element.prototype, 'clientHeight', 'get').mockImplementation(function (
    this: Element,
  ) {
    return this.getAttribute('role') === 'list' ? viewportHeight : 0
  })
  return () => height.mockRestore()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

interface ListProps extends Omit<UseVirtualRowsOptions, 'scrollRef' | 'rowHeight'> {
  /** Receives what the hook returned on every render. */
  onRender?: (rows: VirtualRows) => void
  /** A new value mounts a new scrolling element. */
  scrollerKey?: string
}

/** A scrolling list of `count` rows, `ROW` px each, rendering only what the hook says. */
function List({ onRender, scrollerKey = 'a', ...options }: ListProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const rows = useVirtualRows({ ...options, rowHeight: ROW, scrollRef })
  onRender?.(rows)
  const items = []
  for (let index = rows.start; index < rows.end; index++) {
    items.push(
      <div key={index} role="listitem" data-offset={rows.offsetOf(index)}>
        Row {index}
      </div>,
    )
  }
  return (
    <div key={scrollerKey} role="list" ref={scrollRef} data-total={rows.totalHeight}>
      {items}
    </div>
  )
}

function renderList(props: ListProps) {
  let latest: VirtualRows | undefined
  let renders = 0
  const onRender = (rows: VirtualRows) => {
    latest = rows
    renders++
  }
  const view = render(<List {...props} onRender={onRender} />)
  return {
    ...view,
    rerenderList: (next: ListProps) => view.rerender(<List {...next} onRender={onRender} />),
    rows: () => latest as VirtualRows,
    renders: () => renders,
  }
}

/** The element that scrolls. */
function scrolling(): HTMLElement {
  return screen.getByRole('list')
}

/** Indexes of the rendered rows, in order. */
function shown(): number[] {
  return screen
    .queryAllByRole('listitem')
    .map((row) => Number(row.textContent?.replace('Row ', '')))
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index)
}

function scrollTo(top: number): void {
  scrolling().scrollTop = top
  fireEvent.scroll(scrolling())
}

describe('useVirtualRows: the rows for a scroll offset', () => {
  it('renders the rows in view plus the overscan, each at its offset', () => {
    renderList({ count: 1_000, overscan: 2 })
    // 100 px of 20 px rows: rows 0–4 in view, 2 more below, none above the first.
    expect(shown()).toEqual(range(0, 6))
    expect(scrolling()).toHaveAttribute('data-total', '20000')

    scrollTo(400)
    expect(shown()).toEqual(range(18, 26))
    expect(screen.getByText('Row 20')).toHaveAttribute('data-offset', '400')
    expect(screen.getByText('Row 26')).toHaveAttribute('data-offset', '520')

    // Half a row further: row 25 peeks in at the bottom, so it and its overscan are rendered.
    scrollTo(410)
    expect(shown()).toEqual(range(18, 27))
  })

  it('uses an overscan of 6 by default', () => {
    renderList({ count: 1_000 })
    scrollTo(400)
    expect(shown()).toEqual(range(14, 30))
  })

  it('stops the overscan at both ends of the list', () => {
    renderList({ count: 1_000, overscan: 3 })
    expect(shown()[0]).toBe(0)
    scrollTo(20_000 - 100)
    expect(shown()).toEqual(range(992, 999))
    // A scroll past the end (an elastic bounce) renders no rows that do not exist.
    scrollTo(20_100)
    expect(shown().at(-1)).toBe(999)
  })

  it('does not re-render for a scroll that keeps the same rows in view', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    // 401–419 px: rows 20 (cut at the top) to 25 (cut at the bottom) in view, whatever the pixel.
    scrollTo(401)
    const before = list.renders()
    scrollTo(405)
    scrollTo(419)
    expect(list.renders()).toBe(before)
    scrollTo(420)
    expect(list.renders()).toBe(before + 1)
    expect(shown()).toEqual(range(19, 27))
  })

  it('follows a new count without a scroll, and renders nothing for none', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    scrollTo(400)
    list.rerenderList({ count: 22, overscan: 2 })
    expect(shown()).toEqual(range(18, 21))
    expect(scrolling()).toHaveAttribute('data-total', '440')
    list.rerenderList({ count: 0, overscan: 2 })
    expect(shown()).toEqual([])
    expect(scrolling()).toHaveAttribute('data-total', '0')
  })

  it('uses the fallback height when the element has none and nothing reports one', () => {
    viewportHeight = 0
    renderList({ count: 100, overscan: 0, fallbackHeight: 60 })
    expect(shown()).toEqual([0, 1, 2])
  })

  it('follows a new scrolling element', () => {
    const list = renderList({ count: 1_000, overscan: 0 })
    list.rerenderList({ count: 1_000, overscan: 0, scrollerKey: 'b' })
    scrollTo(200)
    expect(shown()).toEqual(range(10, 14))
  })
})

describe('useVirtualRows: scrollToIndex', () => {
  it('scrolls down just enough to show a row below the view whole, and renders it', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    act(() => list.rows().scrollToIndex(10))
    // Row 10 spans 200–220: its bottom at the bottom of the 100 px view.
    expect(scrolling().scrollTop).toBe(120)
    expect(shown()).toEqual(range(4, 12))
  })

  it('scrolls up just enough to show a row above the view whole', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    scrollTo(400)
    act(() => list.rows().scrollToIndex(5))
    expect(scrolling().scrollTop).toBe(100)
    expect(shown()).toEqual(range(3, 11))
  })

  it('brings a row cut off at either edge fully into view', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    scrollTo(410)
    act(() => list.rows().scrollToIndex(20))
    expect(scrolling().scrollTop).toBe(400)
    scrollTo(410)
    act(() => list.rows().scrollToIndex(25))
    expect(scrolling().scrollTop).toBe(420)
  })

  it('does nothing for a row already fully in view', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    scrollTo(400)
    const before = list.renders()
    for (const index of [20, 22, 24]) {
      act(() => list.rows().scrollToIndex(index))
      expect(scrolling().scrollTop).toBe(400)
    }
    expect(list.renders()).toBe(before)
  })

  it('clamps to the first and last rows, and refuses an index that is not an integer', () => {
    const list = renderList({ count: 1_000, overscan: 2 })
    act(() => list.rows().scrollToIndex(5_000))
    expect(scrolling().scrollTop).toBe(20_000 - 100)
    expect(shown().at(-1)).toBe(999)
    act(() => list.rows().scrollToIndex(-3))
    expect(scrolling().scrollTop).toBe(0)
    expect(() => list.rows().scrollToIndex(1.5)).toThrow(/integer index, got 1.5/)
  })
})

describe('useVirtualRows: the size of the container', () => {
  /** A stand-in for the browser's ResizeObserver, which jsdom lacks; the test reports sizes. */
  function stubResizeObserver() {
    const observers: Array<{ callback: ResizeObserverCallback; targets: Element[] }> = []
    class FakeResizeObserver {
      private readonly entry: { callback: ResizeObserverCallback; targets: Element[] }
      constructor(callback: ResizeObserverCallback) {
        this.entry = { callback, targets: [] }
        observers.push(this.entry)
      }
      observe(target: Element) {
        this.entry.targets.push(target)
      }
      unobserve() {}
      disconnect() {
        this.entry.targets = []
      }
    }
    vi.stubGlobal('ResizeObserver', FakeResizeObserver)
    return {
      /** Sets the height and tells every observer of the element, as a browser would after layout. */
      resize(element: Element, height: number) {
        viewportHeight = height
        for (const observer of observers) {
          if (!observer.targets.includes(element)) continue
          act(() => observer.callback([], observer as unknown as ResizeObserver))
        }
      },
      watched: () => observers.flatMap((observer) => observer.targets),
    }
  }

  it('renders more rows when the container grows and fewer when it shrinks', () => {
    const observer = stubResizeObserver()
    renderList({ count: 1_000, overscan: 1, fallbackHeight: 40 })
    // Until the observer reports, the fallback height holds.
    expect(shown()).toEqual(range(0, 2))
    observer.resize(scrolling(), 200)
    expect(shown()).toEqual(range(0, 10))
    scrollTo(400)
    expect(shown()).toEqual(range(19, 30))
    observer.resize(scrolling(), 60)
    expect(shown()).toEqual(range(19, 23))
  })

  it('keeps the last view height while there are no rows, so rows come back sized for it', () => {
    const observer = stubResizeObserver()
    const list = renderList({ count: 1_000, overscan: 1, fallbackHeight: 40 })
    observer.resize(scrolling(), 200)
    list.rerenderList({ count: 0, overscan: 1, fallbackHeight: 40 })
    // The element now holds something short of its own (not rows): its height is not the view's.
    observer.resize(scrolling(), 60)
    const renders = list.renders()
    list.rerenderList({ count: 1_000, overscan: 1, fallbackHeight: 40 })
    expect(shown()).toEqual(range(0, 10))
    // Growing back to the same height costs no second render.
    observer.resize(scrolling(), 200)
    expect(list.renders()).toBe(renders + 1)
    expect(shown()).toEqual(range(0, 10))
  })

  it('uses the new height for scrollToIndex', () => {
    const observer = stubResizeObserver()
    const list = renderList({ count: 1_000, overscan: 1 })
    observer.resize(scrolling(), 200)
    act(() => list.rows().scrollToIndex(12))
    // Row 12 ends at 260: 260 − 200.
    expect(scrolling().scrollTop).toBe(60)
  })

  it('stops watching the element when it unmounts', () => {
    const observer = stubResizeObserver()
    const list = renderList({ count: 1_000 })
    expect(observer.watched()).toEqual([scrolling()])
    list.unmount()
    expect(observer.watched()).toEqual([])
  })
})

describe('useVirtualRows: bad input', () => {
  it.each([
    [{ count: -1 }, /count must be an integer ≥ 0, got -1/],
    [{ count: 10, overscan: 1.5 }, /overscan must be an integer ≥ 0, got 1.5/],
  ])('explains %j', (options, message) => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<List {...options} />)).toThrow(message)
    spy.mockRestore()
  })

  it('explains a row height that is not a positive number of pixels', () => {
    function ZeroHeight() {
      const scrollRef = useRef<HTMLDivElement>(null)
      useVirtualRows({ count: 10, rowHeight: 0, scrollRef })
      return null
    }
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<ZeroHeight />)).toThrow(/rowHeight must be a number of pixels > 0, got 0/)
    spy.mockRestore()
  })
})
