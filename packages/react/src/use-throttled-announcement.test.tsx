import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useThrottledAnnouncement } from './use-throttled-announcement.ts'

function Announcer(props: { text: string }) {
  return <div role="status">{useThrottledAnnouncement(props.text, 1_500)}</div>
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})

afterEach(() => {
  vi.useRealTimers()
})

async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms)
  })
}

describe('useThrottledAnnouncement', () => {
  it('announces at once, then at most once per interval with the latest text', async () => {
    const { rerender } = render(<Announcer text="" />)
    await advance(10)
    expect(screen.getByRole('status')).toHaveTextContent('')
    rerender(<Announcer text="Step one" />)
    await advance(0)
    expect(screen.getByRole('status')).toHaveTextContent('Step one')
    rerender(<Announcer text="Step two" />)
    await advance(500)
    rerender(<Announcer text="Step three" />)
    await advance(900)
    expect(screen.getByRole('status')).toHaveTextContent('Step one')
    await advance(100)
    expect(screen.getByRole('status')).toHaveTextContent('Step three')
  })

  it('never says the same thing twice in a row', async () => {
    const seen: string[] = []
    function Recording(props: { text: string }) {
      const said = useThrottledAnnouncement(props.text, 1_500)
      if (seen.at(-1) !== said) seen.push(said)
      return null
    }
    const { rerender } = render(<Recording text="Checking" />)
    await advance(0)
    rerender(<Recording text="Done" />)
    await advance(200)
    rerender(<Recording text="Checking" />)
    await advance(5_000)
    expect(seen).toEqual(['', 'Checking'])
  })
})
