/**
 * Text on a terminal as the renderer writes and measures it: the byte that starts every escape
 * sequence, and the cells each code point takes (CJK and emoji two, combining marks none). A screen
 * model applying what the renderer wrote (effect-flags/testing's `ScreenModel`) agrees with it on both.
 */
export { cellWidth, esc } from "./internal/ansi.js"
