/** Which answers can carry what was asked for: an HTML error page is not a flag. */

/** What a request expects in a 200's body: an image, JSON, or any file at all (a URL list's). */
export type Expected = "image" | "json" | "any"

/** Whether a 200's `Content-Type` can carry `expected` (a missing or generic type is given the benefit of the doubt). */
export const acceptsContentType = (expected: Expected, contentType: string | undefined): boolean => {
  if (expected === "any" || contentType === undefined) return true
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  if (type === "" || type === "application/octet-stream" || type === "binary/octet-stream") return true
  return expected === "image" ? type.startsWith("image/") : type.includes("json") || type === "text/plain"
}
