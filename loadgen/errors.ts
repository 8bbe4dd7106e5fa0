// Failure classes, so a report says what went wrong (refused, DNS, TLS, an HTTP status on the
// WebSocket upgrade, a close code, a timeout) instead of one opaque error count.

const TLS_CODES = new Set([
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** A short class name for a connection or request error. */
export function classifyError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|SSL routines/i.test(message))
    return 'tls';
  if (code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT' || /handshake has timed out/i.test(message)) return 'connect-timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (/request timed out/i.test(message)) return 'timeout';
  const status = /Unexpected server response: (\d{3})/.exec(message);
  if (status) return `http-${status[1]}`;
  if (/Invalid WebSocket frame|invalid (status|opcode|payload)|RSV/i.test(message) || code.startsWith('WS_ERR')) return 'protocol';
  return code ? code.toLowerCase() : 'other';
}

/** A one-line explanation of an error class for the "cannot reach" message. */
export function describeErrorClass(kind: string): string {
  if (kind === 'refused') return 'connection refused';
  if (kind === 'dns') return 'host name not found (DNS)';
  if (kind === 'tls') return 'TLS handshake failed';
  if (kind === 'connect-timeout') return 'connect timed out';
  if (kind === 'reset') return 'connection reset';
  if (kind === 'unreachable') return 'host unreachable';
  if (kind === 'protocol') return 'not a WebSocket server (protocol error)';
  if (kind.startsWith('http-')) return `HTTP ${kind.slice(5)} on the upgrade request`;
  return kind;
}

/** Close codes a server uses on purpose; anything else that ends a connection early is an error. */
export function closeClass(code: number): string {
  return `close-${code}`;
}

/** Error classes that mean the target cannot be reached at all (as opposed to failing under load). */
export function isUnreachable(kind: string): boolean {
  return ['refused', 'dns', 'tls', 'connect-timeout', 'unreachable', 'protocol'].includes(kind) || kind.startsWith('http-');
}
