/**
 * What to print when GATEWAY_TOKEN was not set and the gateway drew a random
 * token for this start (the way Jupyter prints its URL): where the dashboard
 * is with the token in the URL's fragment (a browser never sends the
 * fragment to the server, and the dashboard moves it to session storage at
 * once), and the header curl needs. Printed to the terminal, not the log:
 * logs go to shippers, and the logger strips tokens from URLs anyway.
 */
export function gatewayTokenNotice(baseUrl: string, token: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return [
    '',
    'GATEWAY_TOKEN is not set: this start uses a random token (set GATEWAY_TOKEN to choose one).',
    `  dashboard, signed in for this browser session:  ${base}/#token=${token}`,
    `  API writes:  curl -H 'authorization: Bearer ${token}' ...`,
    `  or:          export GATEWAY_TOKEN=${token}`,
    '',
  ].join('\n');
}
