import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import type { RefObject } from 'react'

/** Options of {@link useVirtualRows}. */
export interface UseVirtualRowsOptions {
  /** How many rows there are. With `0` the hook renders nothing and re-renders on nothing. */
  count: number
  /** The height of every row, in pixels. */
  rowHeight: number
  /** Rows rendered beyond each edge of the visible ones. Default `6`. */
  overscan?: number
  /** The element that scrolls; the rows start at the top of its content. */
  scrollRef: RefObject<HTMLElement | null>
  /**
   * The visible height, in pixels, when the element reports none and there is no
   * `ResizeObserver` to tell (no layout, as in jsdom). Default `320`.
   */
  fallbackHeight?: number
}

/** What {@link useVirtualRows} returns. */
export interface VirtualRows {
  /** Index of the first row to render. */
  start: number
  /** One past the index of the last row to render (`start === end`: none). */
  end: number
  /** The height of all the rows together, in pixels. */
  totalHeight: number
  /** The offset of the row at `index` from the top of the first row, in pixels. */
  offsetOf(index: number): number
  /**
   * Scrolls the least distance that brings the row at `index` (clamped to the rows) fully into
   * view; does nothing when it already is.
   * @throws {RangeError} for an index that is not an integer.
   */
  scrollToIndex(index: number): void
}

const DEFAULT_OVERSCAN = 6
const DEFAULT_FALLBACK_HEIGHT = 320

/**
 * Virtualizes a scrolling list of rows of one fixed height: only the rows in view, plus
 * `overscan` on each side, need to be rendered. Listens to the element's `scroll` (passive) and
 * size, and re-renders only when the visible rows change, never for a scroll within a row. While
 * `count` is 0 the element's height is not followed (it then holds other content); the rows that
 * come back are sized for the last view.
 * Positioning the rows (at `offsetOf(index)` inside a box `totalHeight` tall) is up to the caller.
 */
export function useVirtualRows(options: UseVirtualRowsOptions): VirtualRows {
  const {
    count,
    rowHeight,
    overscan = DEFAULT_OVERSCAN,
    scrollRef,
    fallbackHeight = DEFAULT_FALLBACK_HEIGHT,
  } = options
  check('count', count, 0)
  check('overscan', overscan, 0)
  if (!(rowHeight > 0 && Number.isFinite(rowHeight))) {
    throw new RangeError(
      `useVirtualRows: rowHeight must be a number of pixels > 0, got ${String(rowHeight)}`,
    )
  }

  // What the DOM last said (or what we last scrolled to), kept out of state so that a scroll
  // within the same rows costs no render. Only the rows in view are state: [first, end), not
  // clamped to `count`, so that a new count needs no new state.
  const initialEnd = Math.ceil(fallbackHeight / rowHeight)
  const view = useRef({
    top: 0,
    height: fallbackHeight,
    count,
    rowHeight,
    fallbackHeight,
    first: 0,
    end: initialEnd,
  })
  const [visible, setVisible] = useState<readonly [number, number]>([0, initialEnd])

  const update = useCallback(() => {
    const current = view.current
    if (current.count === 0) return
    const first = Math.floor(current.top / current.rowHeight)
    const end = Math.ceil((current.top + current.height) / current.rowHeight)
    // Compared here rather than in a state updater: React may call the component again before
    // it finds an unchanged state, and a scroll event can come every few pixels.
    if (first === current.first && end === current.end) return
    current.first = first
    current.end = end
    setVisible([first, end])
  }, [])

  // The element can change (a listbox that unmounts when nothing matches): compare after every
  // commit, which costs one comparison, and move the listeners only when it did.
  const attached = useRef<{ element: HTMLElement; detach(): void } | null>(null)
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (element === (attached.current?.element ?? null)) return
    attached.current?.detach()
    attached.current = element ? { element, detach: listen(element, view.current, update) } : null
  })
  useLayoutEffect(
    () => () => {
      attached.current?.detach()
      attached.current = null
    },
    [],
  )

  useLayoutEffect(() => {
    Object.assign(view.current, { count, rowHeight, fallbackHeight })
    update()
  }, [count, rowHeight, fallbackHeight, update])

  const scrollToIndex = useCallback(
    (index: number) => {
      if (!Number.isInteger(index)) {
        throw new RangeError(
          `useVirtualRows: scrollToIndex needs an integer index, got ${String(index)}`,
        )
      }
      const element = scrollRef.current
      const { top, height, count: rows, rowHeight: size } = view.current
      if (!element || rows === 0) return
      const rowTop = Math.max(0, Math.min(index, rows - 1)) * size
      // Up: the row's top at the top. Down: its bottom at the bottom, unless the view is shorter
      // than a row, when its top (where the name is) wins.
      const target =
        rowTop < top
          ? rowTop
          : rowTop + size > top + height
            ? Math.min(rowTop, rowTop + size - height)
            : top
      if (target === top) return
      element.scrollTop = target
      // The scroll event comes a frame later; the rows must be there before this frame's paint.
      view.current.top = target
      update()
    },
    [scrollRef, update],
  )

  // Clamped to the last row: past the end (a shorter list, an elastic bounce) the last rows show.
  const start = Math.max(0, Math.min(visible[0], count - 1) - overscan)
  return {
    start,
    end: Math.max(start, Math.min(count, visible[1] + overscan)),
    totalHeight: count * rowHeight,
    offsetOf: (index) => index * rowHeight,
    scrollToIndex,
  }
}

/** Starts following `element`'s scroll offset and height; returns what stops it. */
function listen(
  element: HTMLElement,
  view: { top: number; height: number; count: number; fallbackHeight: number },
  update: () => void,
): () => void {
  const onScroll = (): void => {
    // Read during the scroll, when layout is current anyway.
    view.top = element.scrollTop
    update()
  }
  view.top = element.scrollTop
  element.addEventListener('scroll', onScroll, { passive: true })
  let observer: ResizeObserver | undefined
  if (typeof ResizeObserver === 'function') {
    // Reports after layout and before paint, without forcing a layout of its own.
    observer = new ResizeObserver(() => {
      // Without rows the element shows something else (a short list that is not virtualized, say)
      // and its height says nothing about the view the rows will get. Keeping the last view's
      // height means that rows coming back are rendered for it at once, instead of for the short
      // content and then again when the element has grown back.
      if (view.count === 0) return
      view.height = element.clientHeight
      update()
    })
    observer.observe(element)
  } else {
    view.height = element.clientHeight || view.fallbackHeight
  }
  update()
  return () => {
    element.removeEventListener('scroll', onScroll)
    observer?.disconnect()
  }
}

function check(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `useVirtualRows: ${name} must be an integer ≥ ${min}, got ${String(value)}`,
    )
  }
}
