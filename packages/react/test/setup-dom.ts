import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach, vi } from 'vitest'

// Testing Library drains React's work with a zero-delay timer and only advances fake timers
// itself when it sees a `jest` global; without this, user-event and waitFor hang whenever a test
// runs in virtual time (Vitest fake timers).
Object.assign(globalThis, {
  jest: { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) },
})

afterEach(() => {
  cleanup()
  sessionStorage.clear()
})
