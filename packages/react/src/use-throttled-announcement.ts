import { useEffect, useRef, useState } from 'react'

/**
 * What a polite live region should say for `text`: at most one new announcement per
 * `intervalMs` (a newer text replaces one still waiting, so the latest wins), never the same text
 * twice in a row, and an empty text announces nothing.
 */
export function useThrottledAnnouncement(text: string, intervalMs: number): string {
  const [announced, setAnnounced] = useState('')
  const last = useRef({ text: '', at: Number.NEGATIVE_INFINITY })
  useEffect(() => {
    if (text === '' || text === last.current.text) return
    const wait = Math.max(0, last.current.at + intervalMs - Date.now())
    const timer = setTimeout(() => {
      last.current = { text, at: Date.now() }
      setAnnounced(text)
    }, wait)
    return () => clearTimeout(timer)
  }, [text, intervalMs])
  return announced
}
