/** Which country codes a run asks for: the rules of Fluent Python's `flags2_common.py`. */
import * as Data from "effect/Data"
import * as Either from "effect/Either"

/** The 20 most populous countries: the default when no code is given. */
export const top20: ReadonlyArray<string> =
  "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split(" ")

/** The 194 codes the book's servers publish (`-a` against them). */
export const bookCodes: ReadonlyArray<string> = (
  "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD " +
  "CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DZ EC EE EG ER ES ET FI FJ FM FR GA GB " +
  "GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM " +
  "KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV " +
  "MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB " +
  "SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA " +
  "UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW"
).split(" ")

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/** Every two-letter combination, AA … ZZ (676 codes: `-e`). */
export const everyCode: ReadonlyArray<string> = [...letters].flatMap((a) => [...letters].map((b) => a + b))

/** A positional argument that is neither a letter nor two letters. */
export class InvalidCodeArgument extends Data.TaggedError("InvalidCodeArgument")<{
  readonly argument: string
}> {
  override get message() {
    return "each CC argument must be A to Z or AA to ZZ"
  }
}

/** Expands arguments as the book does: `B` → BA…BZ, `br` → BR; merged, sorted. */
export const expand = (args: ReadonlyArray<string>): Either.Either<Array<string>, InvalidCodeArgument> => {
  const codes = new Set<string>()
  for (const arg of args) {
    const cc = arg.toUpperCase()
    if (/^[A-Z]$/.test(cc)) for (const second of letters) codes.add(cc + second)
    else if (/^[A-Z]{2}$/.test(cc)) codes.add(cc)
    else return Either.left(new InvalidCodeArgument({ argument: arg }))
  }
  return Either.right([...codes].sort())
}

/** What a run asks for, as the book's options say it. */
export interface CodeSelection {
  /** Positional arguments (codes or letters). */
  readonly args: ReadonlyArray<string>
  /** `-a`: every code the server publishes. */
  readonly all: boolean
  /** `-e`: every code AA … ZZ. */
  readonly every: boolean
  /** `-l N`: only the first N codes after sorting. */
  readonly limit?: number | undefined
  /** What `-a` means for this server (default: the book's 194 codes). */
  readonly published?: ReadonlyArray<string> | undefined
}

/** The sorted codes a run downloads: `-e` over `-a` over positionals, then the top 20; `-l` cuts. */
export const select = (selection: CodeSelection): Either.Either<Array<string>, InvalidCodeArgument> => {
  // positionals are checked even when -e or -a overrides them: a typo is still a usage error
  const positional = expand(selection.args)
  if (Either.isLeft(positional)) return positional
  const chosen = selection.every
    ? Either.right([...everyCode])
    : selection.all
      ? Either.right([...new Set((selection.published ?? bookCodes).map((cc) => cc.toUpperCase()))].sort())
      : selection.args.length > 0
        ? positional
        : expand(top20)
  return Either.map(chosen, (codes) =>
    selection.limit === undefined ? codes : codes.slice(0, selection.limit)
  )
}
