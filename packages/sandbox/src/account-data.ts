import type { AccountKind, AccountTemplate, Persona } from './personas.ts'
import type { Random } from './random.ts'

/** An account as the sandbox stores it (wire shape is built by the engine). */
export interface AccountRecord {
  id: string
  userId: string
  connectionId: string
  institutionId: string
  accountNo: string
  name: string
  currency: 'AUD' | 'NZD'
  kind: AccountKind
  product: string
  balanceCents: number
  availableCents: number
  accountHolder: string
  /** When the latest retrieve-accounts step finished (ms). */
  lastUpdated: number
  /** First and last transaction dates, `YYYY-MM-DD`. */
  interval: { from: string; to: string }
  template: AccountTemplate
}

/** A transaction as the sandbox stores it. */
export interface TransactionRecord {
  id: string
  accountId: string
  connectionId: string
  institutionId: string
  status: 'pending' | 'posted'
  description: string
  amountCents: number
  /** Account balance after this transaction. */
  balanceCents: number
  direction: 'credit' | 'debit'
  class: string
  subClass: { title: string; code: string } | null
  /** ISO date-time the customer made the transaction. */
  transactionDate: string
  /** ISO date-time it posted; `null` while pending. */
  postDate: string | null
}

const dayMs = 86_400_000
const historyDays = 90

/** `YYYY-MM-DD` of a UTC time. */
function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Midnight UTC of a day, ISO without milliseconds (`2024-01-15T00:00:00Z`), as Basiq dates look. */
function isoDay(ms: number): string {
  return `${isoDate(ms)}T00:00:00Z`
}

function accountNumber(random: Random): string {
  const digits = (n: number) => Array.from({ length: n }, () => random.int(10)).join('')
  return `${digits(3)}-${digits(3)} ${digits(8)}`
}

/** Accounts for one persona's connection to one institution, generated deterministically. */
export function generateAccounts(input: {
  random: Random
  persona: Persona
  institution: { id: string; shortName: string; country: string }
  userId: string
  connectionId: string
  at: number
}): AccountRecord[] {
  const { random, persona, institution, userId, connectionId, at } = input
  const holder = `${persona.profile.firstName} ${persona.profile.lastName}`
  return persona.accounts.map((template) => {
    const limit = template.limitCents ?? 0
    return {
      id: random.uuid(),
      userId,
      connectionId,
      institutionId: institution.id,
      accountNo: accountNumber(random),
      name: template.name,
      currency: institution.country === 'New Zealand' ? 'NZD' : 'AUD',
      kind: template.kind,
      product: template.product.replace('{bank}', institution.shortName),
      balanceCents: template.balanceCents,
      availableCents:
        template.kind === 'credit-card' || template.kind === 'mortgage'
          ? template.balanceCents + limit
          : Math.max(0, template.balanceCents),
      accountHolder: holder,
      lastUpdated: at,
      interval: { from: isoDate(at - historyDays * dayMs), to: isoDate(at) },
      template,
    }
  })
}

interface Spend {
  description: string
  class: string
  subClass: { title: string; code: string } | null
  minCents: number
  maxCents: number
}

const everydaySpends: readonly Spend[] = [
  {
    description: 'WOOLWORTHS 1624 SYDNEY',
    class: 'payment',
    subClass: { title: 'Supermarket and Grocery Stores', code: '411' },
    minCents: 2_500,
    maxCents: 21_000,
  },
  {
    description: 'COLES 0742 BONDI JUNCTION',
    class: 'payment',
    subClass: { title: 'Supermarket and Grocery Stores', code: '411' },
    minCents: 1_800,
    maxCents: 18_000,
  },
  {
    description: 'ALDI STORES - MARRICKVILLE',
    class: 'payment',
    subClass: { title: 'Supermarket and Grocery Stores', code: '411' },
    minCents: 1_500,
    maxCents: 12_000,
  },
  {
    description: 'BP CONNECT NEUTRAL BAY',
    class: 'payment',
    subClass: { title: 'Fuel Retailing', code: '400' },
    minCents: 4_000,
    maxCents: 11_000,
  },
  {
    description: 'TRANSPORTFORNSW OPAL',
    class: 'payment',
    subClass: { title: 'Urban Bus Transport (Including Tramway)', code: '462' },
    minCents: 320,
    maxCents: 5_000,
  },
  {
    description: 'UBER *TRIP HELP.UBER.COM',
    class: 'payment',
    subClass: { title: 'Taxi and Other Road Transport', code: '462' },
    minCents: 1_200,
    maxCents: 6_500,
  },
  {
    description: 'THE GROUNDS CAFE ALEXANDRIA',
    class: 'payment',
    subClass: { title: 'Cafes and Restaurants', code: '451' },
    minCents: 450,
    maxCents: 4_800,
  },
  {
    description: 'CHEMIST WAREHOUSE PARRAMATTA',
    class: 'payment',
    subClass: { title: 'Pharmaceutical and Toiletry Goods Retailing', code: '427' },
    minCents: 900,
    maxCents: 7_500,
  },
  {
    description: 'BUNNINGS 2210 ALEXANDRIA',
    class: 'payment',
    subClass: { title: 'Hardware and Building Supplies Retailing', code: '423' },
    minCents: 1_500,
    maxCents: 25_000,
  },
  {
    description: 'ATM WITHDRAWAL PITT ST',
    class: 'cash-withdrawal',
    subClass: null,
    minCents: 2_000,
    maxCents: 20_000,
  },
]

const monthlyBills: readonly Spend[] = [
  {
    description: 'AGL ENERGY DIRECT DEBIT',
    class: 'payment',
    subClass: { title: 'Electricity Supply', code: '261' },
    minCents: 9_000,
    maxCents: 32_000,
  },
  {
    description: 'TELSTRA MOBILE DD',
    class: 'payment',
    subClass: { title: 'Telecommunication Services', code: '580' },
    minCents: 5_500,
    maxCents: 9_500,
  },
  {
    description: 'NETFLIX.COM SUBSCRIPTION',
    class: 'payment',
    subClass: { title: 'Motion Picture and Video Activities', code: '551' },
    minCents: 1_699,
    maxCents: 2_299,
  },
]

function between(random: Random, min: number, max: number): number {
  return min + random.int(max - min + 1)
}

interface Draft {
  day: number
  description: string
  amountCents: number
  class: string
  subClass: { title: string; code: string } | null
}

function draftsFor(account: AccountRecord, random: Random): Draft[] {
  const drafts: Draft[] = []
  const template = account.template
  const spend = (day: number, s: Spend, sign = -1) =>
    drafts.push({
      day,
      description: s.description,
      amountCents: sign * between(random, s.minCents, s.maxCents),
      class: s.class,
      subClass: s.subClass,
    })
  const fixed = (day: number, description: string, cents: number, cls: string) =>
    drafts.push({ day, description, amountCents: cents, class: cls, subClass: null })

  for (let day = historyDays - 1; day >= 0; day -= 1) {
    switch (account.kind) {
      case 'transaction': {
        for (const income of template.incomes ?? []) {
          if (day % income.everyDays === 3) fixed(day, income.description, income.cents, 'transfer')
        }
        if (random.next() < 0.35) spend(day, random.pick(everydaySpends))
        if (day % 30 === 12) spend(day, random.pick(monthlyBills))
        break
      }
      case 'savings':
        if (day % 30 === 1) fixed(day, 'CREDIT INTEREST', between(random, 150, 9_000), 'interest')
        if (day % 14 === 4)
          fixed(day, 'TRANSFER FROM EVERYDAY', between(random, 5_000, 60_000), 'transfer')
        break
      case 'credit-card':
        if (random.next() < 0.28) spend(day, random.pick(everydaySpends))
        if (day % 30 === 20)
          fixed(day, 'PAYMENT - THANK YOU', between(random, 50_000, 250_000), 'payment')
        break
      case 'mortgage':
      case 'loan':
        if (day % 30 === 15)
          fixed(day, 'REPAYMENT', between(random, 150_000, 420_000), 'loan-repayment')
        if (day % 30 === 0)
          fixed(day, 'INTEREST CHARGED', -between(random, 60_000, 190_000), 'loan-interest')
        break
      case 'term-deposit':
        if (day % 30 === 2)
          fixed(day, 'TERM DEPOSIT INTEREST', between(random, 4_000, 9_000), 'interest')
        break
    }
  }
  return drafts
}

/**
 * Roughly three months of transactions for one account, ending at `at`, newest first. Balances run
 * backwards from the account's current balance so the newest transaction's balance is the account's.
 * The newest everyday spends (last day) are still `pending`, as real transaction accounts show them.
 */
export function generateTransactions(
  account: AccountRecord,
  random: Random,
  at: number,
): TransactionRecord[] {
  const drafts = draftsFor(account, random).sort((a, b) => a.day - b.day)
  const today = Math.floor(at / dayMs) * dayMs
  let balance = account.balanceCents
  return drafts.map((draft) => {
    const dayStart = today - draft.day * dayMs
    const pending = draft.day === 0 && draft.amountCents < 0 && account.kind === 'transaction'
    const record: TransactionRecord = {
      id: random.uuid(),
      accountId: account.id,
      connectionId: account.connectionId,
      institutionId: account.institutionId,
      status: pending ? 'pending' : 'posted',
      description: draft.description,
      amountCents: draft.amountCents,
      balanceCents: balance,
      direction: draft.amountCents >= 0 ? 'credit' : 'debit',
      class: draft.class,
      subClass: draft.subClass,
      transactionDate: isoDay(dayStart),
      postDate: pending ? null : isoDay(dayStart),
    }
    balance -= draft.amountCents
    return record
  })
}

/** `"-12.50"`-style decimal strings, as Basiq sends money. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
