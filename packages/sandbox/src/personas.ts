/**
 * The documented sandbox logins (testing personas page) and what each one does. Outcomes,
 * codes, details and MFA answers are Basiq's; titles Basiq does not publish are the sandbox's own.
 */

/** An error a job step fails with: `{code, title, detail}` as every job example shows it. */
export interface StepFailure {
  code: string
  title: string
  detail: string
}

/** An MFA challenge a persona answers, and the answer that passes it. */
export interface MfaChallenge {
  method: 'token' | 'security-questions'
  description: string
  input: string[]
  /** The `mfa-response` that passes. */
  answer: string[]
}

/** The job step at which a persona's connection fails. */
export type FailingStep = 'verify-credentials' | 'retrieve-accounts'

/** Kinds of account a persona holds; `class.type` on the wire. */
export type AccountKind =
  'transaction' | 'savings' | 'credit-card' | 'mortgage' | 'loan' | 'term-deposit'

/** One account a persona holds; the sandbox generates ids, numbers and transactions from it. */
export interface AccountTemplate {
  kind: AccountKind
  /** Account name as the bank shows it. */
  name: string
  /** Product name; `{bank}` is replaced by the institution's shortName. */
  product: string
  /** Balance in cents (negative for debts). */
  balanceCents: number
  /** Credit limit or redraw in cents, added to the balance to give `availableFunds`. */
  limitCents?: number
  /** Salary-like credits paid into this account: description, cents, days between payments. */
  incomes?: Array<{ description: string; cents: number; everyDays: number }>
}

/** The identity a connection's `profile` shows. */
export interface PersonaProfile {
  firstName: string
  middleName: string
  lastName: string
  phone: string
  email: string
  address: {
    addressLine1: string
    postcode: string
    city: string
    state: string
    formattedAddress: string
  }
}

/** A documented sandbox login. */
export interface Persona {
  loginId: string
  password: string
  /** `null` when every step succeeds. */
  failure: { step: FailingStep; error: StepFailure } | null
  /** The challenge the persona gets on an MFA institution (Pied Piper always, Nucleus half the time). */
  mfa: MfaChallenge
  profile: PersonaProfile
  accounts: AccountTemplate[]
}

/** Basiq's generic login failure (title and detail as published). */
export const invalidCredentialsFailure: StepFailure = {
  code: 'invalid-credentials',
  title: 'Cannot login to target institution, check credentials.',
  detail:
    'Cannot login to target institution using supplied credentials. Please check credentials and try again.',
}

/** `bighead`: the published code and detail, with Basiq's login-failure title. */
export const accountLockedFailure: StepFailure = {
  code: 'invalid-credentials',
  title: 'Cannot login to target institution, check credentials.',
  detail: 'Account is locked',
}

/** `erlich`: the published code and detail; the title is the sandbox's own. */
export const requiresUserActionFailure: StepFailure = {
  code: 'account-not-accessible-requires-user-action',
  title: 'Account not accessible, requires user action.',
  detail: 'An action is required from end-user before account details can be returned.',
}

/** `jianYang` and major-outage institutions: the published code and detail; the title is the sandbox's own. */
export const serviceUnavailableFailure: StepFailure = {
  code: 'service-unavailable',
  title: 'Service unavailable.',
  detail: 'Service is currently unavailable. Please try again later.',
}

/** A wrong MFA answer. Basiq does not publish this detail; the sandbox uses its own wording. */
export const mfaRejectedFailure: StepFailure = {
  code: 'invalid-credentials',
  title: 'Cannot login to target institution, check credentials.',
  detail: 'The multi-factor authentication response was not accepted.',
}

/** No MFA answer in time (`job-timed-out` is in the spec's code enum; the wording is the sandbox's). */
export const mfaTimedOutFailure: StepFailure = {
  code: 'job-timed-out',
  title: 'Job timed out.',
  detail: 'The multi-factor authentication challenge was not answered before it expired.',
}

const tokenChallenge: MfaChallenge = {
  method: 'token',
  description: 'A SMS code has been sent to your device, please enter valid number.',
  input: ['OTP Password'],
  answer: ['1234'],
}

const firstCompanyChallenge: MfaChallenge = {
  method: 'security-questions',
  description: 'Please answer the following security questions to continue.',
  input: ["What's your first company?"],
  answer: ['Hooli'],
}

const favouriteCompanyChallenge: MfaChallenge = {
  method: 'security-questions',
  description: 'Please answer the following security questions to continue.',
  input: ["What's your favourite company?", "What's the ID of this institution?"],
  answer: ['Basiq', 'AU00000'],
}

/** The challenge for any login the MFA table does not list (other happy personas, unhappy ones). */
export const defaultMfaChallenge: MfaChallenge = tokenChallenge

function profile(
  firstName: string,
  lastName: string,
  email: string,
  phone: string,
  street: string,
  city: string,
  state: string,
  postcode: string,
): PersonaProfile {
  return {
    firstName,
    middleName: '',
    lastName,
    phone,
    email,
    address: {
      addressLine1: street,
      postcode,
      city,
      state,
      formattedAddress: `${street}, ${city} ${state} ${postcode}, Australia`,
    },
  }
}

const fortnight = 14
const month = 30
const week = 7

/** Every documented sandbox login, happy, unhappy and MFA. Login ids and passwords are case-sensitive. */
export const personas: readonly Persona[] = [
  {
    loginId: 'Wentworth-Smith',
    password: 'whislter',
    failure: null,
    mfa: favouriteCompanyChallenge,
    profile: profile(
      'Max',
      'Wentworth-Smith',
      'maxsmith@gmail.com',
      '040534555 ### 991',
      '91 Fisher Road',
      'Dee Why',
      'NSW',
      '2099',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Transaction 14000',
        product: '{bank} Transaction',
        balanceCents: 3_407_600,
        incomes: [
          { description: 'SALARY HOOLI PTY LTD', cents: 612_500, everyDays: month },
          { description: 'SALARY PIED PIPER INC', cents: 248_000, everyDays: fortnight },
        ],
      },
      { kind: 'savings', name: 'Savings 123890', product: '{bank} Saver', balanceCents: 3_838_373 },
      {
        kind: 'mortgage',
        name: 'Mortgage 746833',
        product: '{bank} Home Loan',
        balanceCents: -29_929_225,
        limitCents: 40_000_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 13000',
        product: '{bank} Visa',
        balanceCents: -608_150,
        limitCents: 2_000_000,
      },
    ],
  },
  {
    loginId: 'Whistler',
    password: 'ShowBox',
    failure: null,
    mfa: favouriteCompanyChallenge,
    profile: profile(
      'Jordan',
      'Whistler',
      'jordan.whistler@example.com',
      '0412 555 014',
      '12 Ocean Street',
      'Bondi',
      'NSW',
      '2026',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 20114',
        product: '{bank} Transaction',
        balanceCents: 512_045,
        incomes: [{ description: 'SALARY RAVIGA CAPITAL', cents: 302_000, everyDays: fortnight }],
      },
      { kind: 'savings', name: 'Savings 20115', product: '{bank} Saver', balanceCents: 1_250_000 },
    ],
  },
  {
    loginId: 'Gilfoyle',
    password: 'PiedPiper',
    failure: null,
    mfa: firstCompanyChallenge,
    profile: profile(
      'Bertram',
      'Gilfoyle',
      'gilfoyle@example.com',
      '0413 555 027',
      '5 Newell Road',
      'Redfern',
      'NSW',
      '2016',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 30221',
        product: '{bank} Transaction',
        balanceCents: 84_310,
        incomes: [{ description: 'CENTRELINK JOBSEEKER', cents: 77_920, everyDays: fortnight }],
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 30222',
        product: '{bank} Mastercard',
        balanceCents: -421_780,
        limitCents: 600_000,
      },
      { kind: 'savings', name: 'Savings 30223', product: '{bank} Saver', balanceCents: 15_500 },
    ],
  },
  {
    loginId: 'gavinBelson',
    password: 'hooli2016',
    failure: null,
    mfa: firstCompanyChallenge,
    profile: profile(
      'Gavin',
      'Belson',
      'gavin@hooli.com',
      '0410 888 666',
      '1 Hooli Plaza',
      'Sydney',
      'NSW',
      '2000',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 00002',
        product: '{bank} Transaction',
        balanceCents: 2_145_090,
        incomes: [
          { description: 'SALARY HOOLI PTY LTD', cents: 910_000, everyDays: month },
          { description: 'TUTORING PAYMENT', cents: 18_000, everyDays: week },
        ],
      },
      { kind: 'savings', name: 'Savings 00003', product: '{bank} Saver', balanceCents: 5_400_000 },
      {
        kind: 'loan',
        name: 'Personal Loan 00004',
        product: '{bank} Personal Loan',
        balanceCents: -1_820_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 00005',
        product: '{bank} Platinum Visa',
        balanceCents: -233_415,
        limitCents: 1_500_000,
      },
    ],
  },
  {
    loginId: 'jared',
    password: 'django',
    failure: null,
    mfa: tokenChallenge,
    profile: profile(
      'Jared',
      'Dunn',
      'jared.dunn@example.com',
      '0414 555 031',
      '27 Hacker Lane',
      'Parramatta',
      'NSW',
      '2150',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 40331',
        product: '{bank} Transaction',
        balanceCents: 356_720,
        incomes: [
          { description: 'UBER BV DRIVER PAYOUT', cents: 61_250, everyDays: week },
          { description: 'TRANSFER FROM WHISTLER', cents: 50_000, everyDays: fortnight },
        ],
      },
      {
        kind: 'mortgage',
        name: 'Home Loan 40332',
        product: '{bank} Home Loan',
        balanceCents: -41_250_000,
        limitCents: 42_000_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 40333',
        product: '{bank} Visa',
        balanceCents: -98_120,
        limitCents: 800_000,
      },
      {
        kind: 'term-deposit',
        name: 'Term Deposit 40334',
        product: '{bank} Term Deposit',
        balanceCents: 2_500_000,
      },
    ],
  },
  {
    loginId: 'richard',
    password: 'tabsnotspaces',
    failure: null,
    mfa: tokenChallenge,
    profile: profile(
      'Richard',
      'Hendricks',
      'richard@piedpiper.example.com',
      '0415 555 042',
      '5230 Newell Road',
      'Chatswood',
      'NSW',
      '2067',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 50441',
        product: '{bank} Transaction',
        balanceCents: 1_876_530,
        incomes: [
          { description: 'SALARY PIED PIPER INC', cents: 720_000, everyDays: fortnight },
          { description: 'RENT 14 HARBOUR ST', cents: 260_000, everyDays: month },
          { description: 'RENT 3/88 PARK AVE', cents: 195_000, everyDays: month },
        ],
      },
      {
        kind: 'mortgage',
        name: 'Joint Home Loan 50442',
        product: '{bank} Home Loan',
        balanceCents: -61_200_000,
        limitCents: 62_000_000,
      },
      {
        kind: 'mortgage',
        name: 'Investment Loan 50443',
        product: '{bank} Investment Home Loan',
        balanceCents: -48_800_000,
        limitCents: 49_000_000,
      },
      {
        kind: 'mortgage',
        name: 'Investment Loan 50444',
        product: '{bank} Investment Home Loan',
        balanceCents: -39_950_000,
        limitCents: 40_000_000,
      },
      {
        kind: 'credit-card',
        name: 'Joint Credit Card 50445',
        product: '{bank} Visa',
        balanceCents: -312_040,
        limitCents: 1_200_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 50446',
        product: '{bank} Mastercard',
        balanceCents: -88_900,
        limitCents: 500_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 50447',
        product: '{bank} Platinum Visa',
        balanceCents: -145_320,
        limitCents: 1_000_000,
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 50448',
        product: '{bank} Low Rate',
        balanceCents: -20_075,
        limitCents: 300_000,
      },
    ],
  },
  {
    loginId: 'laurieBream',
    password: 'business2024',
    failure: null,
    mfa: tokenChallenge,
    profile: profile(
      'Laurie',
      'Bream',
      'laurie@raviga.example.com',
      '0416 555 053',
      '100 Market Street',
      'Sydney',
      'NSW',
      '2000',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Business Transaction 60551',
        product: '{bank} Business Transaction',
        balanceCents: 12_480_000,
        incomes: [{ description: 'INVOICE PAYMENT CLIENT', cents: 1_450_000, everyDays: week }],
      },
      {
        kind: 'savings',
        name: 'Business Saver 60552',
        product: '{bank} Business Online Saver',
        balanceCents: 30_000_000,
      },
    ],
  },
  {
    loginId: 'ashMann',
    password: 'hooli2024',
    failure: null,
    mfa: tokenChallenge,
    profile: profile(
      'Ash',
      'Mann',
      'ash.mann@example.com',
      '0417 555 064',
      '8 Beach Road',
      'Manly',
      'NSW',
      '2095',
    ),
    accounts: [
      {
        kind: 'transaction',
        name: 'Everyday 70661',
        product: '{bank} Transaction',
        balanceCents: 241_500,
        incomes: [
          { description: 'SALARY ENDFRAME PTY LTD', cents: 540_000, everyDays: month },
          { description: 'RENT 22 KING ST', cents: 180_000, everyDays: month },
        ],
      },
      {
        kind: 'credit-card',
        name: 'Credit Card 70662',
        product: '{bank} Visa',
        balanceCents: -512_330,
        limitCents: 800_000,
      },
      { kind: 'savings', name: 'Savings 70663', product: '{bank} Saver', balanceCents: 60_000 },
    ],
  },
  {
    loginId: 'bighead',
    password: 'password',
    failure: { step: 'verify-credentials', error: accountLockedFailure },
    mfa: tokenChallenge,
    profile: profile(
      'Nelson',
      'Bighetti',
      'bighead@example.com',
      '0418 555 075',
      '9 Stanford Way',
      'Kensington',
      'NSW',
      '2033',
    ),
    accounts: [],
  },
  {
    loginId: 'erlich',
    password: 'aviato',
    failure: { step: 'retrieve-accounts', error: requiresUserActionFailure },
    mfa: tokenChallenge,
    profile: profile(
      'Erlich',
      'Bachman',
      'erlich@aviato.example.com',
      '0419 555 086',
      '5230 Incubator Street',
      'Surry Hills',
      'NSW',
      '2010',
    ),
    accounts: [],
  },
  {
    loginId: 'jianYang',
    password: 'nothotdog',
    failure: { step: 'verify-credentials', error: serviceUnavailableFailure },
    mfa: tokenChallenge,
    profile: profile(
      'Jian',
      'Yang',
      'jian.yang@example.com',
      '0420 555 097',
      '5230 Incubator Street',
      'Surry Hills',
      'NSW',
      '2010',
    ),
    accounts: [],
  },
]

/** The persona with exactly this login (case-sensitive, as Basiq's test logins are), if any. */
export function findPersona(loginId: string, password: string): Persona | undefined {
  return personas.find((p) => p.loginId === loginId && p.password === password)
}

/** The persona with this login id, whatever the password (used when a password is updated). */
export function findPersonaByLoginId(loginId: string): Persona | undefined {
  return personas.find((p) => p.loginId === loginId)
}
