/** Says in a few words why a connection failed, from the error codes Node and undici put in a cause chain. */

const byCode: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ECONNABORTED: "connection closed mid-transfer",
  UND_ERR_SOCKET: "connection closed mid-transfer",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: "body shorter than its Content-Length",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "body shorter than its Content-Length",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS certificate not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS certificate not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS certificate for another host"
}

/**
 * The first known code along the `cause` chain names the reason; without one, the innermost error's
 * own message does (a client's error saying what happened, e.g. how many bytes of a body arrived).
 */
export const describeTransport = (cause: unknown): string => {
  const seen = new Set<unknown>()
  let current = cause
  let innermost: string | undefined
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current)
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") {
      const known = byCode[code]
      if (known !== undefined) return known
      if (code.startsWith("HPE_")) return "malformed HTTP answer"
    }
    if (current instanceof Error && current.message !== "") innermost = current.message
    current = (current as { cause?: unknown }).cause
  }
  return innermost ?? "transfer failed"
}
