import { useEffect, useState } from 'react'

/**
 * Milliseconds left until `targetAt` (ms since the epoch), re-rendering each time the displayed
 * second changes and stopping at 0; `undefined` without a target.
 */
export function useCountdown(targetAt: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (targetAt === undefined) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = (): void => {
      const current = Date.now()
      setNow(current)
      const left = targetAt - current
      if (left <= 0) return
      // Wake on the next whole-second boundary of the remaining time, so the display never lags.
      timer = setTimeout(tick, left % 1000 || 1000)
    }
    timer = setTimeout(tick, 0)
    return () => clearTimeout(timer)
  }, [targetAt])
  return targetAt === undefined ? undefined : Math.max(0, targetAt - now)
}
