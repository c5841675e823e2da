/** Reason phrases for the statuses a flag server answers (HTTP/2 answers carry none of their own). */
const reasons: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  410: "Gone",
  418: "I'm a Teapot",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** The reason phrase of `status`, as the book's client prints it. */
export const reasonOf = (status: number): string => reasons[status] ?? "Unexpected Status"
