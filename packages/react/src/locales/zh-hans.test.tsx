import { screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  advanceUntil,
  closeHarnesses,
  createHarness,
  renderWithProvider,
  useVirtualTime,
} from '../../test/sandbox-harness.tsx'
import { LIVE_REGIONS } from '../../test/queries.ts'
import { JobProgress } from '../job-progress.tsx'
import { defaultMessages, formatDuration, recoveryText } from '../messages.ts'
import { zhHansMessages } from './zh-hans.ts'

// Every argument any message takes, so each function message can be called.
const SAMPLE_ARGS = {
  step: '步骤',
  status: '进行中',
  duration: '8秒钟',
  retryAfter: '10分钟',
  reference: 'job 3f1',
  time: '02:00',
  field: '密码',
  max: 256,
  count: 3,
  locale: 'zh-Hans-AU',
  query: 'xyz',
  institution: 'Hooli',
  service: 'Hooli',
  bank: 'Hooli',
}
const HAN = /\p{Script=Han}/u

function text(message: unknown): string {
  return typeof message === 'function'
    ? (message as (args: typeof SAMPLE_ARGS) => string)(SAMPLE_ARGS)
    : String(message)
}

describe('zhHansMessages', () => {
  it('has every message the kit has, each of the same kind', () => {
    const keys = Object.keys(defaultMessages).sort()
    expect(Object.keys(zhHansMessages).sort()).toEqual(keys)
    for (const key of keys) {
      const ours = zhHansMessages[key as keyof typeof zhHansMessages]
      const theirs = defaultMessages[key as keyof typeof defaultMessages]
      expect({ key, kind: typeof ours }).toEqual({ key, kind: typeof theirs })
    }
  })

  it('says every message in Chinese', () => {
    for (const [key, message] of Object.entries(zhHansMessages)) {
      if (key === 'locale') continue
      expect({ key, han: HAN.test(text(message)) }).toEqual({ key, han: true })
    }
    // The optional time of a refused refresh is left out when unknown, not printed as "undefined".
    expect(zhHansMessages['refresh.refused.too-soon']({ time: undefined })).not.toMatch(/undefined/)
  })

  it('formats durations and counts with Intl in zh-Hans-AU', () => {
    expect(zhHansMessages.locale).toBe('zh-Hans-AU')
    expect(formatDuration(8_154, zhHansMessages.locale)).toBe('8秒钟')
    expect(
      recoveryText(zhHansMessages, {
        messageKey: 'recovery.service-unavailable',
        retryAfterMs: 10 * 60_000,
      }),
    ).toBe('我们暂时无法联系到您的银行。请在约10分钟后重试。')
    expect(zhHansMessages['picker.results']({ count: 5_090, locale: 'zh-Hans-AU' })).toBe(
      '找到5,090家银行',
    )
    expect(zhHansMessages['picker.results']({ count: 0, locale: 'zh-Hans-AU' })).toBe('未找到银行')
  })
})

describe('a provider given zhHansMessages', () => {
  beforeEach(() => {
    useVirtualTime()
  })

  afterEach(() => {
    closeHarnesses()
    vi.useRealTimers()
  })

  it('shows a job in Chinese, with the estimate spelled by Intl, until the release', async () => {
    const harness = createHarness()
    const jobId = harness.connect('gavinBelson', 'hooli2016')
    renderWithProvider(
      harness,
      <JobProgress data-testid="progress" jobId={jobId} institutionId="AU00000" />,
      { messages: zhHansMessages },
    )
    await advanceUntil(() => screen.queryAllByRole('listitem').length > 0)
    expect(screen.getByText('通常需要约8秒钟')).toBeInTheDocument()
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '正在验证您的登录信息 等待中',
      '正在获取您的账户 等待中',
      '正在获取您的交易记录 等待中',
    ])
    await advanceUntil(
      () => screen.getByTestId('progress').getAttribute('data-state') === 'released',
    )
    expect(
      screen.getByText('已连接成功。我们仍在后台获取您的数据。', { ignore: LIVE_REGIONS }),
    ).toBeInTheDocument()
  })

  it('takes per-key overrides on top of the locale, and passes the bank’s own words through', async () => {
    const harness = createHarness()
    const jobId = harness.connect('bighead', 'password')
    renderWithProvider(harness, <JobProgress data-testid="progress" jobId={jobId} />, {
      messages: { ...zhHansMessages, 'action.pick-another-bank': '换一家银行' },
    })
    await advanceUntil(() => screen.queryByRole('alert') !== null)
    const alert = screen.getByRole('alert')
    expect(within(alert).getByText('您的银行不接受这些登录信息。')).toBeInTheDocument()
    // Basiq's detail is the bank's text; it is shown as sent.
    expect(within(alert).getByText('Account is locked')).toBeInTheDocument()
    expect(within(alert).getByRole('button', { name: '重新输入登录信息' })).toBeInTheDocument()
    expect(within(alert).getByRole('button', { name: '换一家银行' })).toBeInTheDocument()
  })
})
