/**
 * How every browser test launches Debian's Chromium (Playwright's own browser download is not
 * reachable from this project's machines). Without the background-networking flags Chromium keeps
 * dialling hosts the closed network refuses.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}
