import { hashString } from './random.ts'

/** Token scopes Basiq issues. */
export type TokenScope = 'SERVER_ACCESS' | 'CLIENT_ACCESS'

/** Claims the sandbox puts in its JWT-shaped tokens (the ones Basiq's tokens carry that clients read). */
export interface TokenClaims {
  partnerid: string
  applicationid: string
  scope: TokenScope
  /** The `basiq-version` the token was requested with: `"2.0"`, `"2.1"` or `"3.0"`. */
  version: string
  /** The user a CLIENT_ACCESS token is bound to, when one was given. */
  userid?: string
  sandbox_account: true
  /** Seconds since the epoch. */
  iat: number
  /** Seconds since the epoch. */
  exp: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function base64UrlEncode(text: string): string {
  const bytes = encoder.encode(text)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function base64UrlDecode(text: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null
  try {
    const padded =
      text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
    const binary = atob(padded)
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    return decoder.decode(bytes)
  } catch {
    return null
  }
}

const header = base64UrlEncode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

/**
 * Signs and verifies the sandbox's tokens. The signature is a keyed non-cryptographic hash: enough
 * for a simulator to tell its own tokens from garbage and from tokens of an earlier `reset()`,
 * synchronous and free of Node-only APIs so the same code runs in browsers (MSW).
 */
export interface TokenSigner {
  sign(claims: TokenClaims): string
  /** The claims of a token this signer issued, or `null` for anything else (expiry is not checked). */
  verify(token: string): TokenClaims | null
}

/** Creates a signer; tokens from a signer with another `secret` do not verify. */
export function createTokenSigner(secret: string): TokenSigner {
  const signature = (data: string): string => {
    let out = ''
    for (let i = 0; i < 8; i += 1)
      out += hashString(`${secret}|${data}`, i * 0x9e3779b1)
        .toString(16)
        .padStart(8, '0')
    return base64UrlEncode(out).slice(0, 43)
  }
  return {
    sign(claims) {
      const payload = base64UrlEncode(JSON.stringify(claims))
      const data = `${header}.${payload}`
      return `${data}.${signature(data)}`
    },
    verify(token) {
      if (typeof token !== 'string' || token.length > 4096) return null
      const parts = token.split('.')
      if (parts.length !== 3) return null
      const [head = '', payload = '', sig = ''] = parts
      if (signature(`${head}.${payload}`) !== sig) return null
      const json = base64UrlDecode(payload)
      if (json === null) return null
      try {
        const claims = JSON.parse(json) as TokenClaims
        if (typeof claims !== 'object' || claims === null || typeof claims.exp !== 'number')
          return null
        return claims
      } catch {
        return null
      }
    },
  }
}
