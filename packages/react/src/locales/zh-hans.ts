import type { Messages } from '../messages.ts'

function formatCount(count: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(count)
}

/**
 * The kit's messages in Simplified Chinese, for Mandarin-speaking customers in Australia (locale
 * `'zh-Hans-AU'`: durations read `8秒钟`, counts and dates follow Chinese conventions).
 *
 * Typed as the full {@link Messages}, so a message added to the kit fails the type check here until
 * it is translated. Pass it whole, or spread it and override keys like any other messages:
 *
 * ```tsx
 * import { zhHansMessages } from '@bankconnect/react/locales/zh-hans'
 *
 * <BankConnectProvider messages={{ ...zhHansMessages, 'eta.overdue': '请稍候…' }} … />
 * ```
 *
 * Names that are the same in both languages stay as they are: bank names, "Basiq" and the
 * prompts and error details that come from the bank itself.
 */
export const zhHansMessages: Messages = {
  locale: 'zh-Hans-AU',

  'phase.pending': '正在准备连接您的银行…',
  'phase.verifying': '正在连接您的银行…',
  'phase.mfa-required': '您的银行需要确认是您本人',
  'phase.paused': '您的连接已暂停',
  'phase.released': '已连接成功。我们仍在后台获取您的数据。',
  'phase.complete': '全部完成：您的账户已连接',
  'phase.failed': '我们无法连接到您的银行',

  'step.verify-credentials': '正在验证您的登录信息',
  'step.mfa-challenge': '正在确认您的身份',
  'step.retrieve-accounts': '正在获取您的账户',
  'step.retrieve-transactions': '正在获取您的交易记录',
  'step.retrieve-statements': '正在获取您的对账单',
  'step.create-report': '正在生成您的报告',
  'step.status.pending': '等待中',
  'step.status.in-progress': '进行中',
  'step.status.success': '已完成',
  'step.status.failed': '失败',
  'announce.step': ({ step, status }) => `${step}：${status}`,

  'eta.usually': ({ duration }) => `通常需要约${duration}`,
  'eta.overdue': '所需时间比平时长',
  'eta.retrying': '仍在尝试…',

  'recovery.invalid-credentials': '您的银行不接受这些登录信息。',
  'recovery.user-action-required':
    '您的银行需要您先在网上银行中完成某项操作，例如接受新条款。请登录您的银行，然后重试。',
  'recovery.institution-down': '您的银行网上服务目前无法使用。请稍后重试，或选择其他银行。',
  'recovery.service-unavailable': ({ retryAfter }) =>
    retryAfter === undefined
      ? '我们暂时无法联系到您的银行。请稍后重试。'
      : `我们暂时无法联系到您的银行。请在约${retryAfter}后重试。`,
  'recovery.paused': '使用相同登录信息的连接正在进行中。我们会自动继续。',
  'recovery.mfa-failed': '您的银行不接受该答案。请重新开始，并检查验证码或答案。',
  'recovery.mfa-expired': '回答银行安全验证的时间已过。请重新开始。',
  'recovery.rate-limited': '您的银行目前繁忙。仍在尝试…',
  'recovery.transport': '我们暂时无法连接到服务器。仍在尝试…',
  'recovery.session-expired': '您的会话已过期。请刷新页面后重试。',
  'recovery.timeout': '所需时间远超预期。您可以重试；如果问题持续出现，请联系客服。',
  'recovery.unknown': '连接您的银行时出现问题。如果问题持续出现，请联系客服并提供下方的参考编号。',
  'recovery.reference': ({ reference }) => `参考编号：${reference}`,

  'action.re-enter-credentials': '重新输入登录信息',
  'action.act-in-bank': '前往您的网上银行',
  'action.pick-another-bank': '选择其他银行',
  'action.try-later': '稍后重试',
  'action.wait': '继续等待',
  'action.retry': '重试',
  'action.contact-support': '联系客服',

  'paused.countdown': ({ time }) => `将在 ${time} 后恢复`,

  'mfa.title': '您的银行需要确认是您本人',
  'mfa.submit': '继续',
  'mfa.submitting': '正在发送…',
  'mfa.checking': '正在核对…',
  'mfa.expiresIn': ({ time }) => `验证码将在 ${time} 后过期`,
  'mfa.expired': '验证码已过期',
  'mfa.required': ({ field }) => `请输入${field}`,
  'mfa.tooLong': ({ field, max }) => `${field}不能超过${max}个字符`,
  'mfa.sendFailed': '我们无法发送您的答案。请重试。',

  'background.syncing': '正在同步您的账户…',
  'background.ready': ({ count, locale }) => `${formatCount(count, locale)}个账户已就绪`,
  'background.readyNoCount': '您的账户已就绪',
  'background.attention': '有事项需要您处理',

  'flow.pick.title': '连接您的银行',
  'flow.credentials.title': ({ bank }) => `连接${bank}`,
  'flow.verifying.title': ({ bank }) => `正在连接${bank}`,
  'flow.verifying.untitled': '正在连接您的银行',
  'flow.failed.title': ({ bank }) => `我们无法连接${bank}`,
  'flow.failed.untitled': '我们无法连接您的银行',
  'flow.released.title': ({ bank }) => `${bank}已连接`,
  'flow.released.untitled': '您的银行已连接',
  'flow.released.body': '您可以继续了。我们正在后台获取您的账户和交易记录。',
  'flow.back': '返回',
  'flow.connectAnother': '连接其他银行',
  'flow.consent.body':
    '接下来您将前往我们的安全数据合作伙伴 Basiq，选择您的银行并授权同意。完成后会直接返回此页面。',
  'flow.consent.continue': '前往 Basiq',
  'flow.consent.error': '我们无法与 Basiq 建立安全会话。请重试。',

  'picker.label': '查找您的银行',
  'picker.placeholder': '按银行名称搜索',
  'picker.results': ({ count, locale }) =>
    count === 0 ? '未找到银行' : `找到${formatCount(count, locale)}家银行`,
  'picker.empty': ({ query }) => `没有与“${query}”匹配的银行`,
  'picker.emptyHint': '请检查拼写，或尝试输入银行卡或对账单上的名称（例如“CommBank”或“NAB”）。',
  'picker.loading': '正在加载银行列表…',
  'picker.error': '我们无法加载银行列表。',
  'picker.retry': '重试',
  'picker.beta': '测试版',
  'picker.alpha': '抢先体验',

  'health.operational': '运行正常',
  'health.degraded-performance': '该银行目前比平时慢，连接可能需要更长时间。',
  'health.partial-outage': '该银行的部分服务出现问题，可能无法一次连接成功。',
  'health.under-maintenance': '该银行正在维护中。您仍可连接，但可能需要更长时间。',
  'health.under-improvement': '我们正在改进与该银行的连接。您仍可连接。',
  'health.major-outage': '该银行的网上服务已中断，目前无法连接。请稍后重试，或选择其他银行。',
  'health.unknown': '该银行可能出现问题。您仍可尝试连接。',

  'credentials.title': ({ institution }) => `登录${institution}`,
  'credentials.intro': ({ institution, service }) =>
    `使用您的${service}登录信息安全连接${institution}。`,
  'credentials.notice':
    '您的登录信息会直接发送给我们的银行数据服务商 Basiq。我们绝不会保存这些信息。',
  'credentials.forgotPassword': '忘记密码？',
  'credentials.newTab': '（在新标签页中打开）',
  'credentials.showPassword': '显示密码',
  'credentials.loginId': '登录 ID',
  'credentials.password': '密码',
  'credentials.submit': '连接',
  'credentials.submitting': '正在连接…',
  'credentials.changeBank': '选择其他银行',
  'credentials.required': ({ field }) => `请输入您的${field}`,
  'credentials.tooLong': ({ field, max }) => `${field}不能超过${max}个字符`,
  'credentials.pasteTooLong': ({ field, max }) =>
    `粘贴的内容对${field}来说太长（最多${max}个字符），因此未添加。`,
  'credentials.apiError': '无法发送您的银行登录信息',
  'credentials.sendFailed': '我们无法发送您的登录信息。请检查网络连接后重试。',

  'control.loading': '正在加载银行连接…',
  'control.loadError': '我们无法加载银行连接页面。',
  'control.tokenError': '我们无法为连接银行建立安全会话。',
  'control.retry': '重试',

  'consent.refused': '我们无法确认此银行连接是从这里发起的，因此没有使用它。请重新连接您的银行。',

  'credentials.updateTitle': ({ institution }) => `重新输入您的${institution}登录信息`,
  'credentials.updateIntro': ({ institution }) =>
    `${institution}不再接受我们保存的登录信息。请输入您当前的登录信息以重新连接。`,
  'credentials.updateSubmit': '重新连接',

  'connectionHealth.title': '您的银行',
  'connectionHealth.loading': '正在检查您的银行…',
  'connectionHealth.empty': '您尚未连接任何银行。',
  'connectionHealth.error': '我们暂时无法检查您的银行。',
  'connectionHealth.retry': '重试',
  'connectionHealth.checkedAt': ({ time }) => `检查时间：${time}`,
  'connectionHealth.unknownBank': '您的银行',
  'connectionHealth.state.healthy': '已是最新',
  'connectionHealth.state.syncing': '正在更新…',
  'connectionHealth.state.needs-attention': '需要您处理',
  'connectionHealth.state.stale': '近期未更新',
  'connectionHealth.lastUpdated': ({ time }) => `上次更新：${time}`,
  'connectionHealth.neverUpdated': '尚未更新',
  'connectionHealth.checkAgain': '我已完成，重新检查',
  'connectionHealth.refresh': '刷新',
  'connectionHealth.refreshing': '正在刷新…',
  'connectionHealth.cancel': '取消',
  'connectionHealth.repaired': ({ institution }) => `${institution}已重新连接。`,
  'connectionHealth.refreshFailed': '我们暂时无法刷新该银行。请稍后重试。',

  'refresh.refused.too-soon': ({ time }) =>
    time === undefined
      ? '该银行刚刚更新过，暂时无需刷新。'
      : `该银行刚刚更新过。您可以在${time}后再次刷新。`,
  'refresh.refused.daily-limit': ({ time }) =>
    time === undefined
      ? '该银行今天的刷新次数已达上限。'
      : `该银行今天的刷新次数已达上限。请在${time}后重试。`,
  'refresh.refused.connection-invalid': () =>
    '您的银行不再接受保存的登录信息。请重新输入以重新连接。',
  'refresh.refused.connection-not-ready': () => '该银行仍在设置中，暂时无法刷新。',
}
