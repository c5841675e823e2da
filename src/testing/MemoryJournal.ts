/**
 * A session journal in memory, for tests: the same code as the file's (`Journal.make` over a store
 * in memory), seeded with any text (a journal a crash cut short), showing what it holds.
 */
import * as Journal from "../session/Journal.js"

/** A journal in memory holding `initial`: its `layer`, its `contents`, `writes` and `syncs` so far. */
export const make = Journal.makeMemory

/** Just the layer of a journal in memory holding `initial`. */
export const layer = Journal.layerMemory
