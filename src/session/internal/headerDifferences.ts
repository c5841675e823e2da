/**
 * What differs between the header a session recorded and the one a run asks for: each option that
 * changes what is saved, and the items (gone, new, renamed by `out=`, or reordered).
 */
import type { Header, Item } from "../JournalFormat.js"

const some = (ids: ReadonlyArray<string>) =>
  `${ids.slice(0, 3).join(", ")}${ids.length > 3 ? `, … ${ids.length - 3} more` : ""}`

const itemDifference = (recorded: ReadonlyArray<Item>, asked: ReadonlyArray<Item>): string | undefined => {
  if (recorded.length === asked.length && recorded.every((item, i) => sameItem(item, asked[i]))) return
  const before = new Map(recorded.map((item) => [item.id, item]))
  const now = new Map(asked.map((item) => [item.id, item]))
  const gone = recorded.filter((item) => !now.has(item.id)).map((item) => item.id)
  const added = asked.filter((item) => !before.has(item.id)).map((item) => item.id)
  if (gone.length > 0 || added.length > 0) {
    const parts = [
      ...(gone.length > 0 ? [`${gone.length} not in this run (${some(gone)})`] : []),
      ...(added.length > 0 ? [`${added.length} not in the session (${some(added)})`] : [])
    ]
    const count = (n: number) => `${n} item${n === 1 ? "" : "s"}`
    return `the session was for ${count(recorded.length)}, this run is for ${asked.length}: ${parts.join(", ")}`
  }
  const renamed = asked.find((item) => !sameItem(before.get(item.id), item))
  if (renamed !== undefined) {
    const out = (item: Item | undefined) => (item?.out === undefined ? "its own name" : `out=${item.out}`)
    return `the session saved ${renamed.id} as ${out(before.get(renamed.id))}, this run as ${out(renamed)}`
  }
  // the same items in another order: names made unique by order could then swap files
  return `the session listed the same ${asked.length} items in another order`
}

const sameItem = (a: Item | undefined, b: Item | undefined) => a?.id === b?.id && a?.out === b?.out

/**
 * What differs between the header a session recorded and the one a run asks for, one sentence each
 * (`the session was for dest /a, this run is for /b`); empty when the run may resume the session.
 */
export const differences = (recorded: Header, asked: Header): ReadonlyArray<string> => {
  const found: Array<string> = []
  const compare = (what: string, a: string | undefined, b: string | undefined) => {
    if (a !== b) found.push(`the session was for ${what} ${a ?? "(none)"}, this run is for ${b ?? "(none)"}`)
  }
  if (recorded.command !== asked.command) {
    found.push(`the session was for flags ${recorded.command}, this run is flags ${asked.command}`)
  }
  compare("server", recorded.server, asked.server)
  compare("dest", recorded.dest, asked.dest)
  compare("extension", recorded.extension, asked.extension)
  if ((recorded.names ?? false) !== (asked.names ?? false)) {
    const was = (names: boolean | undefined) => (names === true ? "with" : "without")
    found.push(`the session was ${was(recorded.names)} --names, this run is ${was(asked.names)}`)
  }
  const items = itemDifference(recorded.items, asked.items)
  if (items !== undefined) found.push(items)
  return found
}
