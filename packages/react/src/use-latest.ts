import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { RefObject } from 'react'

// Layout effects warn-free on the server are not guaranteed across renderers; a plain effect is
// enough there since nothing reads the value before hydration.
const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect

/**
 * A ref that always holds the latest `value`, updated after each commit. Effects read callbacks
 * through it so that they never call a stale handler and never re-run because a caller passed a
 * new inline function.
 */
export function useLatest<Value>(value: Value): RefObject<Value> {
  const ref = useRef(value)
  useIsomorphicLayoutEffect(() => {
    ref.current = value
  })
  return ref
}

/**
 * A function with a stable identity that calls the latest `fn` given to this hook (or `fallback`
 * while there is none). For callbacks handed to objects built once (a client, a store), which
 * must not be rebuilt because a caller passed a new inline function. Do not call the returned
 * function during render.
 */
export function useLatestFunction<Args extends unknown[], Result>(
  fn: ((...args: Args) => Result) | undefined,
  fallback: (...args: Args) => Result,
): (...args: Args) => Result {
  const latest = useLatest(fn)
  const [stable] = useState(
    () =>
      (...args: Args): Result =>
        (latest.current ?? fallback)(...args),
  )
  return stable
}
